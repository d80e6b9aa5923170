import Foundation
import ShuniuClient
import ShuniuConnectors
import ShuniuCore
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import Testing

/// `Ops/prometheus/shuniu-alerts.yaml` watches what the hub serves: every metric its rules name,
/// with every label they match or group by, is in a busy hub's `GET /metrics`.
@Suite("Prometheus alert rules")
struct AlertRulesTests {
    static let rulesFile = RepositoryPaths.root + "/Ops/prometheus/shuniu-alerts.yaml"
    /// Served only by a hub with `server.tls` (ServerTLSTests checks it), not by the plain hub below.
    static let servedWithTLSOnly = "shuniu_tls_certificate_expiry_timestamp_seconds"

    /// Metric name → the labels the rules use with it (in matchers and in `by (…)`).
    static func metricsNamed(in rules: String) -> [String: Set<String>] {
        var found: [String: Set<String>] = [:]
        for line in rules.split(separator: "\n") where line.contains("expr:") || line.hasPrefix("          ") {
            let text = String(line)
            let grouped = matches(#"by \(([a-z_, ]+)\)"#, in: text).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            for use in matches(#"(shuniu_[a-z_]+)(\{[^}]*\})?"#, in: text, group: 0) {
                let name = matches(#"shuniu_[a-z_]+"#, in: use, group: 0)[0]
                let labels = matches(#"([a-z_]+)(=|!=|=~)""#, in: use)
                found[name, default: []].formUnion(labels + grouped)
            }
        }
        return found
    }

    static func matches(_ pattern: String, in text: String, group: Int = 1) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: group), in: text).map { String(text[$0]) }
        }
    }

    @Test("Every metric and label the alert rules use is served by a hub that has pushed, delivered, served reads and failed a pull")
    func rulesMatchMetrics() async throws {
        let rules = try String(contentsOfFile: Self.rulesFile, encoding: .utf8)
        let used = Self.metricsNamed(in: rules)
        #expect(Set(used.keys) == ["shuniu_queue_oldest_pending_seconds", "shuniu_delivery_attempts_total", "shuniu_ingest_requests_total",
                                   "shuniu_connector_failures_total", "shuniu_read_requests_total", "shuniu_withdrawals_overdue",
                                   "shuniu_store_writable", "shuniu_store_free_bytes", "shuniu_http_connections_closed_total",
                                   Self.servedWithTLSOnly], "\(used)")

        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let gone = await SimulatedPlatformAPI.start()
        try await gone.stop()  // its port refuses connections: the connector fails
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = [Destination(name: "national", url: upstream.url, retrySchedule: [1])]
            configuration.routing = RoutingTable(routes: [Route(destination: "national")])
            var connector = ConnectorConfiguration(name: "gone", platform: Fixtures.otherPlatformID, baseURL: gone.baseURL, endpoints: [.init(name: "projects", path: "/page")])
            connector.retrySeconds = 1
            configuration.connectors = [connector]
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            _ = try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store)
            #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
            _ = try await hub.client(PlatformCredential(appKey: "ak-nobody", secret: "x")).send(body: Fixtures.batch([Fixtures.record("500")]))
            let reader = try await Fixtures.registerConsumer(on: hub)
            #expect(try await reader.feed().status == 200)
            #expect(try await eventually { try await DeliveryTests.stats(hub, "national").delivered == 4 })

            var text = ""
            let expected = used.keys.filter { $0 != Self.servedWithTLSOnly }
            let served = await eventually(timeout: .seconds(30)) {
                text = (try? await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText) ?? ""
                return expected.allSatisfy { text.contains($0) }
            }
            #expect(served, "not served: \(expected.filter { !text.contains($0) }.sorted())")
            for (name, labels) in used {
                let lines = text.split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + "_count{") }
                for label in labels where label != "job" && label != "instance" {
                    #expect(lines.contains { $0.contains(label + "=\"") }, "\(name) has no label \(label): \(lines)")
                }
            }
        }
        try await upstream.stop()
    }

    /// Runs Prometheus' own `promtool` (put on the PATH by Ops/install-deps.sh), its input on standard input.
    static func promtool(_ arguments: [String], input: String? = nil) async throws -> (status: Int32, output: String) {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let script = input.map { text -> [String] in
            let file = folder.file("input")
            try? text.write(toFile: file, atomically: false, encoding: .utf8)
            return ["-c", "exec promtool \"$@\" < \(file)", "promtool"]
        } ?? ["-c", "exec promtool \"$@\"", "promtool"]
        return try await ChildProcess.run("/bin/sh", script + arguments, timeout: 60)
    }

    @Test("promtool accepts the rules file, and a scrape of a busy hub")
    func promtoolChecks() async throws {
        let rules = try await Self.promtool(["check", "rules", Self.rulesFile])
        #expect(rules.status == 0, "promtool check rules (Ops/install-deps.sh installs promtool): \(rules.output)")
        #expect(rules.output.contains("SUCCESS: 13 rules found"), "\(rules.output)")

        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
            let scrape = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText
            let lint = try await Self.promtool(["check", "metrics"], input: scrape)
            #expect(lint.status == 0, "promtool check metrics: \(lint.output)")
        }
    }

    @Test("The rules' parser finds names and labels, so that a misspelt one fails the test above")
    func parserSeesMistakes() {
        let used = Self.metricsNamed(in: #"        expr: sum by (destinaton) (rate(shuniu_delivery_atempts_total{outcom="dead"}[5m])) > 0"#)
        #expect(used == ["shuniu_delivery_atempts_total": ["outcom", "destinaton"]])
    }
}
