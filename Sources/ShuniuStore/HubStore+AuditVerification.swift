import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// Checks the audit chain (keyed hashes and links), its head against `checkpoints` when
    /// given, and every record version, record owner and delivery against the `ingest.batch`
    /// entries that created them.
    public func verifyAudit(checkpoints: AuditCheckpoints?) async throws -> AuditChainReport {
        let key = auditKeyInFile
        return try await pool.read { db in
            var report = try HubStore.verifyAudit(in: db, key: key, checkpoints: checkpoints?.lines)
            if let checkpoints, checkpoints.lines == nil {
                report.notes.append("no checkpoint file at \(checkpoints.source): removal of the newest entries cannot be noticed")
            }
            return report
        }
    }

    /// ``verifyAudit(checkpoints:)`` without checkpoints.
    public func verifyAuditChain() async throws -> AuditChainReport {
        try await verifyAudit(checkpoints: nil)
    }

    /// The whole check on any connection to a store's file (the live store, or a backup's copy).
    static func verifyAudit(in db: Database, key: AuditKey?, checkpoints: [AuditCheckpoints.Line]?) throws -> AuditChainReport {
        var tally = AuditDamageTally()
        var report = AuditChainReport()

        // Which rule each entry's hash follows, and whether the key given is the chain's.
        let marker = try db.tableExists("audit_chain_key") ? try AuditChainMarker.fetch(in: db) : nil
        report.keyedFrom = marker?.fromID
        report.keyId = marker?.keyID
        var keyedKey: AuditKey?
        if let marker {
            if let key, marker.isMade(by: key) {
                keyedKey = key
            } else if let key {
                tally.add(.keyMismatch, "the chain is keyed from entry \(marker.fromID) with key \(marker.keyID); the key given is \(key.id), or the marker was changed")
            } else {
                tally.add(.keyMissing, "the chain is keyed from entry \(marker.fromID) with key \(marker.keyID); no key was given")
            }
        }

        // Checkpoints since the last restore, by the entry they name.
        var byLastID: [Int64: [AuditCheckpoint]] = [:]
        if let checkpoints {
            var valid: [AuditCheckpoint] = []
            for line in checkpoints {
                switch line {
                case .unreadable(let number):
                    tally.add(.checkpointForged, "line \(number)")
                case .checkpoint(let number, let checkpoint):
                    guard let key else { continue }
                    guard key.checkpointMACMatches(checkpoint.mac, checkpoint.signedText) else {
                        tally.add(.checkpointForged, "line \(number)")
                        continue
                    }
                    if checkpoint.event == "restore" { valid.removeAll() }
                    valid.append(checkpoint)
                }
            }
            if key == nil, !checkpoints.isEmpty {
                report.notes.append("no key: the checkpoints' MACs could not be checked, nor the chain's head against them")
            }
            report.checkpoints = valid.count
            for checkpoint in valid {
                if checkpoint.keyedFrom != marker?.fromID {
                    tally.add(.chainRekeyed, "checkpoint of \(checkpoint.at) says keyed from entry \(checkpoint.keyedFrom.map(String.init) ?? "-"), the store from \(marker.map { String($0.fromID) } ?? "-")", once: true)
                }
                if checkpoint.entries > 0 { byLastID[checkpoint.lastId, default: []].append(checkpoint) }
            }
        }

        // The chain, and each ingest.batch entry's accepted versions.
        var audited = VersionBitmap()
        var previous = HubStore.auditGenesisHash
        var lastID: Int64 = 0
        let entries = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry ORDER BY id")
        let decoder = JSONDecoder()
        while let row = try entries.next() {
            // The stored text as it is, without making an AuditEntry: no time to parse a million times.
            let id: Int64 = row["id"]
            let hash: String = row["hash"]
            let previousHash: String = row["previous_hash"]
            let action: String = row["action"]
            let actor: String = row["actor"]
            let detail: String = row["detail"]
            report.entries += 1
            var broken = previousHash != previous
            let keyed = marker.map { id >= $0.fromID } ?? false
            if !keyed || keyedKey != nil {
                let text = HubStore.chainText(fields: [
                    previousHash, String(id), row["at"], row["actor_kind"], actor, action, row["outcome"],
                    row["subject"] ?? "", row["address"] ?? "", detail,
                ])
                broken = broken || HubStore.chainHash(text: text, key: keyed ? keyedKey : nil) != hash
            }
            if broken {
                tally.add(.chainBroken, "entry \(id)")
                if report.firstBrokenID == nil { report.firstBrokenID = id }
            }
            previous = hash
            lastID = id
            if let named = byLastID.removeValue(forKey: id) {
                for checkpoint in named where checkpoint.lastHash != hash || checkpoint.entries != report.entries {
                    tally.add(.chainRewritten, "checkpoint of \(checkpoint.at) names entry \(id) with \(checkpoint.entries) entries up to it; the store has \(report.entries)\(checkpoint.lastHash != hash ? " and another hash" : "")")
                }
            }
            if action == "ingest.batch", let lines = try? decoder.decode(IngestAuditLines.self, from: Data(detail.utf8)) {
                try checkVersions(lines.records, platform: actor, marking: &audited, tally: &tally, in: db)
            }
        }
        for checkpoint in byLastID.values.joined().sorted(by: { $0.lastId < $1.lastId }) {
            if checkpoint.lastId > lastID {
                tally.add(.chainTruncated, "checkpoint of \(checkpoint.at) names \(checkpoint.entries) entries up to entry \(checkpoint.lastId); the store has \(report.entries) up to entry \(lastID)")
            } else {
                tally.add(.chainRewritten, "checkpoint of \(checkpoint.at) names entry \(checkpoint.lastId), which is gone")
            }
        }

        // Every version accepted by some entry.
        let versions = try Row.fetchCursor(db, sql: "SELECT id, dataset, business_key, version FROM record_version ORDER BY id")
        while let row = try versions.next() {
            report.versions += 1
            if !audited.contains(row["id"]) {
                tally.add(.versionUnaudited, "\(row["dataset"] as String)/\(row["business_key"] as String)|v\(row["version"] as Int)")
            }
        }

        // Each record's owner and latest version against its versions.
        let records = try Row.fetchCursor(db, sql: """
            SELECT r.dataset, r.business_key, r.owner_platform, r.latest_version, r.latest_hash,
                   first.source_platform AS first_source, latest.id AS latest_id, latest.content_hash AS latest_content,
                   (SELECT MAX(version) FROM record_version m WHERE m.record_id = r.id) AS newest
            FROM record r
            LEFT JOIN record_version first ON first.record_id = r.id AND first.version = 1
            LEFT JOIN record_version latest ON latest.record_id = r.id AND latest.version = r.latest_version
            """)
        while let row = try records.next() {
            report.records += 1
            let name = "\(row["dataset"] as String)/\(row["business_key"] as String)"
            let owner: String = row["owner_platform"]
            let latest: Int = row["latest_version"]
            if let first: String = row["first_source"] {
                if first != owner { tally.add(.recordOwnerChanged, "\(name): owner \(owner), first version from \(first)") }
            } else {
                tally.add(.versionMissing, "\(name)|v1", once: true)
            }
            if (row["latest_id"] as Int64?) == nil {
                tally.add(.versionMissing, "\(name)|v\(latest)", once: true)
            } else if (row["newest"] as Int?) != latest || (row["latest_content"] as String?) != (row["latest_hash"] as String) {
                tally.add(.recordLatestChanged, "\(name): latest v\(latest), newest stored v\((row["newest"] as Int?) ?? 0)")
            }
        }

        // Deliveries of versions that are gone or belong to another record.
        report.deliveries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0
        let orphans = try Row.fetchCursor(db, sql: """
            SELECT d.id, d.version_id FROM delivery d LEFT JOIN record_version v ON v.id = d.version_id
            WHERE v.id IS NULL OR v.record_id != d.record_id ORDER BY d.id
            """)
        while let row = try orphans.next() {
            tally.add(.deliveryOrphaned, "delivery \(row["id"] as Int64) of version id \(row["version_id"] as Int64)")
        }

        report.damage = tally.damage
        report.intact = report.damage.isEmpty
        return report
    }

    /// Checks the versions one `ingest.batch` entry accepted: each is there, from the entry's
    /// platform (its actor), as the entry recorded it (its digest, when the entry has one), its content
    /// hash matching its payload, delivered where it was routed.
    private static func checkVersions(
        _ lines: [IngestAuditLines.Line], platform: String, marking audited: inout VersionBitmap, tally: inout AuditDamageTally, in db: Database
    ) throws {
        let columns = (versionDigestColumns + versionDigestLaterColumns).map { "v." + $0 }.joined(separator: ", ")
        let find = try db.cachedStatement(sql: """
            SELECT v.id, \(columns) FROM record r JOIN record_version v ON v.record_id = r.id AND v.version = ?
            WHERE r.dataset = ? AND r.business_key = ?
            """)
        let delivered = try db.cachedStatement(sql: "SELECT 1 FROM delivery WHERE version_id = ? AND destination = ? LIMIT 1")
        for line in lines where line.status == RecordStatus.accepted.rawValue {
            guard let dataset = line.dataset, let key = line.key, let version = line.version else { continue }
            let name = "\(dataset)/\(key)|v\(version)"
            guard let row = try Row.fetchOne(find, arguments: [version, dataset, key]) else {
                tally.add(.versionMissing, name, once: true)
                continue
            }
            let id: Int64 = row["id"]
            audited.insert(id)
            let values = (1...versionDigestColumns.count).map { row[$0] as DatabaseValue }
            let later = versionDigestLaterColumns.indices.map { row[versionDigestColumns.count + 1 + $0] as DatabaseValue }
            let normalized: String = row["normalized_payload"]
            let altered = (row["source_platform"] as String) != platform
                || (row["content_hash"] as String) != ContentHash.of(normalized: normalized, extra: row["extra"])
                || line.digest.map { $0 != versionDigest(values, later: later) } ?? false
            if altered { tally.add(.versionAltered, name) }
            for destination in line.to ?? [] where try Bool.fetchOne(delivered, arguments: [id, destination]) != true {
                tally.add(.deliveryMissing, "\(name) to \(destination)")
            }
        }
    }
}

/// The per-record lines of an `ingest.batch` entry's detail, as verification reads them.
struct IngestAuditLines: Decodable {
    struct Line: Decodable {
        var dataset: String?
        var key: String?
        var status: String
        var version: Int?
        var digest: String?
        var to: [String]?
    }

    var records: [Line]
}
