/// The `# HELP` text of every metric family the hub serves. The metrics API the hub's parts
/// count through carries no help text, so ``withHelp(_:)`` adds it to the exposition.
enum MetricsCatalogue {
    static let help: [String: String] = [
        "shuniu_ingest_records_total": "Records pushed by a platform, by outcome (accepted, duplicate, rejected).",
        "shuniu_ingest_requests_total": "Push requests by platform, by outcome (ok or the refusal code; platform '-' when unidentified).",
        "shuniu_ingest_batch_seconds": "Time from receiving a push to answering it, committed, by platform.",
        "shuniu_read_requests_total": "Consumers' read requests by consumer, action and outcome (ok or the refusal code).",
        "shuniu_read_versions_total": "Record versions served to a consumer.",
        "shuniu_delivery_attempts_total": "Delivery attempts to a destination, by outcome (delivered, retry, dead).",
        "shuniu_delivery_seconds": "Time to send one batch to a destination and get its answer.",
        "shuniu_queue_depth": "Deliveries in a destination's queue, by state.",
        "shuniu_queue_oldest_pending_seconds": "Age of the oldest delivery waiting for a destination.",
        "shuniu_withdrawals_overdue": "Withdrawals past their deadline not yet delivered to a destination.",
        "shuniu_store_free_bytes": "Free bytes on the file system holding the store.",
        "shuniu_store_size_bytes": "Bytes the store's files take on disk.",
        "shuniu_store_writable": "1 while the store takes writes, 0 while it is full or failing.",
        "shuniu_http_connections_open": "HTTP connections open now.",
        "shuniu_http_connections_closed_total": "HTTP connections closed by the hub's limits, by reason.",
        "shuniu_http_limit": "The HTTP connection limits in force, by name.",
        "shuniu_connector_pages_total": "Pages a pull connector took from an endpoint.",
        "shuniu_connector_records_total": "Records a pull connector took from an endpoint.",
        "shuniu_connector_failures_total": "Failed runs of a pull connector's endpoint.",
    ]

    /// The exposition with a `# HELP` line before each `# TYPE` line that has none and whose
    /// family is in ``help``.
    static func withHelp(_ exposition: [UInt8]) -> [UInt8] {
        let text = String(decoding: exposition, as: UTF8.self)
        var out = ""
        out.reserveCapacity(text.utf8.count + 4096)
        var previous: Substring = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).split(separator: " ").first.map(String.init) ?? ""
                if !previous.hasPrefix("# HELP \(name) "), let help = help[name] {
                    out += "# HELP \(name) \(help)\n"
                }
            }
            out += line
            out += "\n"
            previous = line
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return Array(out.utf8)
    }
}
