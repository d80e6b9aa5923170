import Foundation
import Logging
@testable import ShuniuApp
import ShuniuClient
import ShuniuCore
@testable import ShuniuDelivery
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import Synchronization
import Testing

/// What an operations team reads: JSON log lines, an access log line per request, faults logged
/// once per change of state, and a `/metrics` with help, zero-started counters and process metrics.
@Suite("Logs and metrics")
struct LogsAndMetricsTests {
    /// The log file's lines as JSON objects; an issue for any line that is not one.
    static func jsonLines(_ log: String) -> [[String: Any]] {
        log.split(separator: "\n").compactMap { line in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return object
        }
    }

    static let beijingTime = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$"#

    @Test("log.format json: every line of a real daemon is a JSON object with its time in Beijing time, a level and a message; each request gets an access line without secrets")
    func jsonAndAccessLog() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        let config = folder.file("hub.yaml")
        try "log:\n  format: json\n".write(toFile: config, atomically: true, encoding: .utf8)
        let secretQuery = "s3cret-token-in-the-query"

        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log"), config: config) { daemon in
            let health = try await CurlHTTPClient().send(OutgoingRequest(
                method: "GET", url: daemon.baseURL + "/healthz?token=\(secretQuery)&view=short", headers: [("X-Request-Id", "ops-check-1")]
            ))
            #expect(health.status == 200)
            #expect(health.headers["x-request-id"] == "ops-check-1")
            let push = try await IngestClient(baseURL: daemon.baseURL, credential: credential).send(body: Fixtures.batch(Fixtures.sampleRecords()))
            #expect(push.status == 200)
            let missing = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: daemon.baseURL + "/no-such-path"))
            #expect(missing.status == 404)

            var lines: [[String: Any]] = []
            let logged = await eventually {
                lines = LogsAndMetricsTests.jsonLines(daemon.log)
                return lines.filter { $0["message"] as? String == "request" }.count >= 3
            }
            #expect(logged, "\(daemon.log)")
            for line in lines {
                let time = try #require(line["time"] as? String, "\(line)")
                #expect(time.range(of: Self.beijingTime, options: .regularExpression) != nil, "\(time)")
                // The offset is the true one: the instant is now, not eight hours off.
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let instant = try #require(formatter.date(from: time))
                #expect(abs(instant.timeIntervalSinceNow) < 300, "\(time)")
                #expect(Logger.Level(rawValue: line["level"] as? String ?? "") != nil, "\(line)")
                #expect(!(line["message"] as? String ?? "").isEmpty, "\(line)")
            }
            #expect(lines.contains { $0["message"] as? String == "shuniu listening" && ($0["address"] as? String)?.hasPrefix("127.0.0.1:") == true })

            let access = lines.filter { $0["message"] as? String == "request" }
            let healthLine = try #require(access.first { $0["path"] as? String == "/healthz" }, "\(access)")
            #expect(healthLine["method"] as? String == "GET")
            #expect(healthLine["status"] as? String == "200")
            #expect(healthLine["requestId"] as? String == "ops-check-1")
            #expect(healthLine["query"] as? String == "token=***&view=short")
            #expect(Int(healthLine["bytes"] as? String ?? "") == health.body.count)
            #expect(Double(healthLine["ms"] as? String ?? "") != nil)
            #expect(healthLine["address"] as? String == "127.0.0.1")

            let pushLine = try #require(access.first { $0["path"] as? String == "/api/v1/records" }, "\(access)")
            #expect(pushLine["method"] as? String == "POST")
            #expect(pushLine["status"] as? String == "200")
            #expect(pushLine["platform"] as? String == Fixtures.platformID.rawValue)
            #expect(Int(pushLine["bytes"] as? String ?? "") == push.body.count)
            #expect(!(pushLine["requestId"] as? String ?? "").isEmpty)

            let missingLine = try #require(access.first { $0["path"] as? String == "/no-such-path" }, "\(access)")
            #expect(missingLine["status"] as? String == "404")

            let log = daemon.log
            #expect(!log.contains(secretQuery))
            #expect(!log.contains(credential.secret))
        }
    }

    @Test("A real daemon logs a failing destination when it starts failing, when its circuit opens and when it recovers, not per attempt")
    func deliveryFailureInDaemon() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.status(503))
        let config = folder.file("hub.yaml")
        try """
            log:
              format: json
            destinations:
              - name: national
                url: \(upstream.url)
                retrySchedule: [1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s]
                circuitBreakerFailures: 2
                circuitBreakerPause: 1s
            routes:
              - destination: national
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log"), config: config) { daemon in
            let push = try await IngestClient(baseURL: daemon.baseURL, credential: credential).send(body: Fixtures.batch(Fixtures.sampleRecords()))
            #expect(push.status == 200)
            let retried = await eventually(timeout: .seconds(30)) { upstream.received.count >= 3 }
            #expect(retried, "\(upstream.received.count) attempts")
            upstream.behave(.accept)
            let recovered = await eventually(timeout: .seconds(30)) { daemon.log.contains("deliveries succeed again") }
            #expect(recovered, "\(daemon.log)")
            let messages = LogsAndMetricsTests.jsonLines(daemon.log).filter { $0["destination"] as? String == "national" }.compactMap { $0["message"] as? String }
            #expect(messages.filter { $0 == "deliveries failing" }.count == 1, "\(messages)")
            #expect(messages.filter { $0.hasPrefix("circuit open") }.count == 1, "\(messages)")
            #expect(messages.filter { $0 == "deliveries succeed again" }.count == 1, "\(messages)")
        }
        try await upstream.stop()
    }

    @Test("A configuration naming an unknown log format is refused with its line")
    func unknownFormat() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let config = folder.file("hub.yaml")
        try "log:\n  level: info\n  format: xml\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(throws: DiagnosticsError.self) { try HubConfiguration.load(file: config) }
        do {
            _ = try HubConfiguration.load(file: config)
        } catch {
            #expect("\(error)".contains("3"), "\(error)")
            #expect("\(error)".contains("'log.format' must be one of text, json"), "\(error)")
        }
        try "log:\n  format: json\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try HubConfiguration.load(file: config).logFormat == .json)
        #expect(HubConfiguration().logFormat == .text)
    }

    @Test("/metrics: HELP and TYPE for every family, counters at zero for every destination and platform before any event, process metrics")
    func metricsExposition() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let credential = try await Fixtures.registerBeforeStart(dataDir: folder.path)
        let upstream = try await SimulatedUpstream.start()
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = [
                Destination(name: "national", url: upstream.url, retrySchedule: [1]),
                Destination(name: "provincial", url: upstream.url, retrySchedule: [1]),
            ]
            configuration.routing = RoutingTable(routes: [Route(destination: "national")])
        }) { hub in
            let before = try await Self.scrape(hub)
            for destination in ["national", "provincial"] {
                for outcome in ["delivered", "retry", "dead"] {
                    #expect(before.contains("shuniu_delivery_attempts_total{destination=\"\(destination)\",outcome=\"\(outcome)\"} 0\n"), "\(destination) \(outcome)")
                }
            }
            for outcome in ["accepted", "duplicate", "rejected"] {
                #expect(before.contains("shuniu_ingest_records_total{platform=\"\(Fixtures.platformID)\",outcome=\"\(outcome)\"} 0\n"), "\(outcome)")
            }
            #expect(before.contains("shuniu_ingest_requests_total{platform=\"\(Fixtures.platformID)\",outcome=\"ok\"} 0\n"))
            try Self.checkStrictly(before)
            try Self.checkProcessMetrics(before)
            try await Self.checkWithPrometheusParser(before, folder: folder)

            // The zero series are the ones the first events count in.
            #expect(try await hub.client(credential).send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
            var after = ""
            let counted = await eventually {
                after = (try? await Self.scrape(hub)) ?? ""
                return after.contains("shuniu_delivery_attempts_total{destination=\"national\",outcome=\"delivered\"} 4\n")
            }
            #expect(counted, "\(after)")
            #expect(after.contains("shuniu_ingest_records_total{platform=\"\(Fixtures.platformID)\",outcome=\"accepted\"} 4\n"))
            try Self.checkStrictly(after)
            try await Self.checkWithPrometheusParser(after, folder: folder)
        }
        try await upstream.stop()
    }

    static func scrape(_ hub: RunningHub) async throws -> String {
        let response = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics"))
        #expect(response.status == 200)
        return response.bodyText
    }

    /// Every sample belongs to the family of the `# TYPE` line above it, and every `# TYPE` line
    /// follows the `# HELP` line of the same family.
    static func checkStrictly(_ text: String) throws {
        var family: String?
        var type: String?
        var previous = ""
        var families = 0
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                try #require(parts.count == 4, "\(line)")
                family = String(parts[2])
                type = String(parts[3])
                families += 1
                #expect(previous.hasPrefix("# HELP \(parts[2]) ") && previous.count > "# HELP \(parts[2]) ".count, "no HELP before \(line)")
                #expect(["counter", "gauge", "histogram", "summary"].contains(type!), "\(line)")
            } else if line.hasPrefix("# HELP ") {
                // Checked with its TYPE line.
            } else {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                let family = try #require(family, "a sample before any TYPE: \(line)")
                let allowed = type == "histogram" ? [family + "_bucket", family + "_sum", family + "_count"]
                    : type == "summary" ? [family, family + "_sum", family + "_count"] : [family]
                #expect(allowed.contains(name), "\(line) is not of family \(family)")
                #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
            }
            previous = line
        }
        #expect(families >= 10)
    }

    static func value(_ name: String, in text: String) throws -> Double {
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(name) missing")
        return try #require(Double(line.split(separator: " ")[1]))
    }

    static func checkProcessMetrics(_ text: String) throws {
        let now = Date().timeIntervalSince1970
        let started = try value("process_start_time_seconds", in: text)
        #expect(started > now - 86_400 && started <= now + 1, "\(started) vs \(now)")
        #expect(try value("process_resident_memory_bytes", in: text) > 1_000_000)
        #expect(try value("process_open_fds", in: text) >= 3)
        #expect(try value("process_max_fds", in: text) >= value("process_open_fds", in: text))
        #expect(try value("process_cpu_seconds_total", in: text) > 0)
    }

    /// Prometheus' own parser (prometheus-client, installed by Ops/install-deps.sh) reads the
    /// exposition and finds HELP and TYPE for every family; it refuses one without HELP.
    static func checkWithPrometheusParser(_ text: String, folder: TemporaryDirectory) async throws {
        let script = RepositoryPaths.root + "/Ops/prometheus/check-exposition.py"
        let file = folder.file("metrics.txt")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try await ChildProcess.run("/usr/bin/env", ["python3", script, file], timeout: 60)
        if outcome.status == 3 {
            print("skipped: the Prometheus parser check needs prometheus-client (run Ops/install-deps.sh): \(outcome.output)")
            return
        }
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("shuniu_delivery_attempts counter"), "\(outcome.output)")
        #expect(outcome.output.contains("process_resident_memory_bytes gauge"), "\(outcome.output)")
        let withoutHelp = text.split(separator: "\n").filter { !$0.hasPrefix("# HELP shuniu_ingest_records_total") }.joined(separator: "\n") + "\n"
        try withoutHelp.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try await ChildProcess.run("/usr/bin/env", ["python3", script, file], timeout: 60)
        #expect(refused.status == 1 && refused.output.contains("shuniu_ingest_records: no # HELP"), "\(refused.output)")
    }

    /// A logger whose JSON lines are kept.
    final class CapturedLog: Sendable {
        let lines = Mutex<[String]>([])
        var logger: Logger {
            Logger(label: "test") { label in JSONLogHandler(label: label) { line in self.lines.withLock { $0.append(line) } } }
        }
        func messages() -> [String] {
            lines.withLock { $0 }.compactMap { line in
                ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["message"] as? String
            }
        }
    }

    @Test("A refusal burst is logged when it starts and when it is over, not once per refusal")
    func refusalBurst() {
        let captured = CapturedLog()
        let tally = RefusalTally(refusalsPerMinute: 2)
        let bursts = RefusalBurstLog(tally: tally, logger: captured.logger, quietSeconds: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        tally.count("auth.missing", address: "10.0.0.1", identified: false, at: start)
        bursts.check(now: start)
        #expect(captured.messages().isEmpty)
        for second in 1...5 {
            tally.count("auth.missing", address: "10.0.0.1", identified: false, at: start + Double(second))
            bursts.check(now: start + Double(second))
        }
        #expect(captured.messages().filter { $0.hasPrefix("refusal burst:") }.count == 1, "\(captured.messages())")
        // Still turned away at 30 s; the next minute it is not, but the burst ends only after a quiet minute.
        bursts.check(now: start + 30)
        bursts.check(now: start + 70)
        #expect(captured.messages().count == 1)
        bursts.check(now: start + 95)
        #expect(captured.messages() == ["refusal burst: addresses turned away for too many refusals this minute", "refusal burst over"])
        bursts.check(now: start + 100)
        #expect(captured.messages().count == 2)
    }

    @Test("A destination's delivery failures are logged when they start, when the circuit opens and when a batch gets through again")
    func deliveryFailureSpell() {
        let captured = CapturedLog()
        let failures = DeliveryFailureLog(logger: captured.logger)
        failures.batchSucceeded()
        #expect(captured.messages().isEmpty)
        for attempt in 1...4 {
            failures.batchFailed(reason: "HTTP 503", circuitOpenUntil: attempt >= 3 ? Date() + 30 : nil, failures: attempt)
        }
        failures.batchSucceeded()
        failures.batchSucceeded()
        #expect(captured.messages() == ["deliveries failing", "circuit open: deliveries paused after repeated failures", "deliveries succeed again"])
        failures.batchFailed(reason: "HTTP 503", circuitOpenUntil: nil, failures: 1)
        #expect(captured.messages().last == "deliveries failing")
    }

    @Test("JSON log lines escape what could break them and keep metadata as fields")
    func jsonLineEscaping() throws {
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 0), level: .warning, message: "two\nlines \"quoted\"", label: "shuniu",
            fields: ["platform": "E4201000001", "nested": ["a": "1"], "message": "not the message", "list": ["x", "y"]]
        )
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
        let object = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])
        #expect(object["time"] as? String == "1970-01-01T08:00:00.000+08:00")
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "two\nlines \"quoted\"")
        #expect(object["platform"] as? String == "E4201000001")
        #expect((object["nested"] as? [String: Any])?["a"] as? String == "1")
        #expect(object["list"] as? [String] == ["x", "y"])
    }
}
