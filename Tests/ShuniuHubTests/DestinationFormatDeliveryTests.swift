import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuMapping
import ShuniuSimulation
import ShuniuTesting
import Testing

/// A real hub delivering in a destination's format to a real local upstream.
@Suite("Delivery in a destination's format")
struct DestinationFormatDeliveryTests {
    /// A mappings folder with the repository's spec and platform files, and these destination files.
    static func mappings(in folder: TemporaryDirectory, formats: [String: String]) throws -> String {
        let root = folder.path + "/Mappings"
        try FileManager.default.createDirectory(atPath: root + "/destinations", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/spec", withDestinationPath: RepositoryPaths.spec)
        try FileManager.default.createSymbolicLink(atPath: root + "/platforms", withDestinationPath: RepositoryPaths.mappings + "/platforms")
        for (name, text) in formats { try text.write(toFile: root + "/destinations/\(name).yaml", atomically: true, encoding: .utf8) }
        return root
    }

    /// One record per request: the key and the operation it is sent as; the upstream's `result` says what became of it.
    static let perRecordFormat = """
        format: per-record
        version: "1"
        perRequest: record
        request: {op: $operation, code: $operationCode, key: $key, system: $settings.system, fields: $records}
        record: $fields
        requires: [system]
        answer:
          status: result
          message: message
          unreadable: retry
          outcomes:
            - {status: ok, is: accepted}
            - {status: exists, is: exists}
            - {status: bad, is: rejected}
        """

    @Test("The shipped shuniu-json file delivers what the hub's own JSON delivers")
    func shuniuJSONFile() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = [Destination(name: "national", url: upstream.url, batchSize: 50, format: "shuniu-json")]
            configuration.routing = RoutingTable(routes: [Route(destination: "national")])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
            let count = try Fixtures.sampleRecords().count
            try await eventually { upstream.receivedRecords.count == count }
            #expect(upstream.received.allSatisfy { $0.headers["content-type"] == "application/json" && $0.headers["idempotency-key"] != nil })
        }
        try await upstream.stop()
    }

    @Test("An insert the upstream already holds is sent again once as an update, under a key of its own; a refusal is a dead letter with the upstream's message")
    func existsThenUpdate() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.answer { received in
            let body = String(decoding: received.body, as: UTF8.self)
            if body.contains("改名") { return (200, #"{"result":"bad","message":"字段PROJECT_NAME(项目名称)长度超限"}"#) }
            return (200, body.contains(#""op":"insert""#) ? #"{"result":"exists","message":"DATA_KEY已存在"}"# : #"{"result":"ok"}"#)
        })
        let mappings = try Self.mappings(in: folder, formats: ["per-record": Self.perRecordFormat])
        try await RunningHub.withRunning(dataDir: folder.path + "/data", adjust: { configuration in
            configuration.mappingsDir = mappings
            configuration.destinations = [Destination(name: "province", url: upstream.url, batchSize: 10, retrySchedule: [1], format: "per-record", formatSettings: ["system": "9120"])]
            configuration.routing = RoutingTable(routes: [Route(destination: "province", datasets: ["500"])])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let project = try #require(try Fixtures.sampleRecords().first { $0["dataset"] as? String == "500" })
            #expect(try await client.send(body: Fixtures.batch([project])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].delivered == 1 }
            let sent = upstream.received.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(sent.count == 2)
            #expect(sent.first?.contains(#""op":"insert","code":"1""#) == true && sent.last?.contains(#""op":"update","code":"2""#) == true)
            #expect(sent.allSatisfy { $0.contains(#""system":"9120""#) && $0.contains(#""fields":[{"#) })
            let keys = upstream.received.compactMap { $0.headers["idempotency-key"] }
            #expect(keys.count == 2 && keys[0] != keys[1] && keys[1].hasSuffix("-as-update"))

            // A refusal is a dead letter keeping the upstream's message.
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "改名的项目"])])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].dead == 1 }
            let letter = try #require(try await hub.store.deadLetters(DeadLetterFilter(destination: "province")).first)
            #expect(letter.version == 2 && letter.lastError?.contains("长度超限") == true && letter.upstreamResponse == "字段PROJECT_NAME(项目名称)长度超限")
            #expect(upstream.received.count == 3)

            // The operator sees what the destination gets, without sending it; the files check.
            let code = try #require(project["data"] as? [String: Any])["PROJECT_CODE"] as? String
            let config = folder.file("hub.yaml")
            try """
                paths: {mappings: \(mappings)}
                storage: {dataDir: \(hub.dataDir)}
                destinations:
                  - {name: province, url: "http://127.0.0.1:9/x", format: per-record, formatSettings: {system: "9120"}}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let shown = try await CLI.run(["mappings", "test", "--config", config, "--destination", "province", "500", try #require(code)])
            #expect(shown.status == 0, "\(shown.output)")
            #expect(shown.output.contains(#""op":"update","code":"2""#) && shown.output.contains("改名的项目") && shown.output.contains("nothing was sent"), "\(shown.output)")
            #expect(upstream.received.count == 3)
            let unknown = try await CLI.run(["mappings", "test", "--config", config, "--destination", "nowhere", "500", "X"])
            #expect(unknown.status == 2 && unknown.output.contains("no destination nowhere"))
            let checked = try await CLI.run(["mappings", "check", "--config", config, "--json"])
            #expect(checked.status == 0, "\(checked.output)")
            #expect(checked.output.contains(#""format" : "per-record""#) || checked.output.contains(#""format":"per-record""#), "\(checked.output)")
        }
        try await upstream.stop()
    }

    @Test("Format files are read again on reload: the next request takes the new file; a broken file changes nothing; both audited")
    func reload() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.answer { _ in (200, #"{"result":"ok"}"#) })
        let mappings = try Self.mappings(in: folder, formats: ["per-record": Self.perRecordFormat])
        let file = mappings + "/destinations/per-record.yaml"
        try await RunningHub.withRunning(dataDir: folder.path + "/data", adjust: { configuration in
            configuration.mappingsDir = mappings
            configuration.destinations = [Destination(name: "province", url: upstream.url, format: "per-record", formatSettings: ["system": "9120"])]
            configuration.routing = RoutingTable(routes: [Route(destination: "province", datasets: ["500"])])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            try Self.perRecordFormat.replacingOccurrences(of: "request: {op:", with: "request: {edition: two, op:").write(toFile: file, atomically: true, encoding: .utf8)
            await hub.hub.reloadDestinationFormats()
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500")])).status == 200)
            try await eventually { upstream.received.count == 1 }
            #expect(String(decoding: upstream.received[0].body, as: UTF8.self).hasPrefix(#"{"edition":"two","op":"insert""#))

            try "format: per-record\nversion: \"3\"\nrequest: {x: $nope}\n".write(toFile: file, atomically: true, encoding: .utf8)
            await hub.hub.reloadDestinationFormats()
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "第二版"])])).status == 200)
            try await eventually { upstream.received.count == 2 }
            #expect(String(decoding: upstream.received[1].body, as: UTF8.self).hasPrefix(#"{"edition":"two","op":"update""#))
            let reloads = try await hub.store.auditEntries(limit: 5, action: "formats.reload")
            #expect(reloads.map(\.outcome) == ["refused", "ok"])
            #expect(reloads.first?.detail.contains("unknown reference $nope") == true)
        }
        try await upstream.stop()
    }

    @Test("The example configuration's destinations, uncommented, parse; each format they name is a shipped file whose settings they give")
    func exampleDestinations() throws {
        let example = try String(contentsOfFile: RepositoryPaths.root + "/Ops/config/shuniu.example.yaml", encoding: .utf8)
        let lines = example.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "destinations: []"))
        let block = lines[(start + 1)...].prefix { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
        // The secrets it names are files of a real machine; one of the test's stands in.
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try "secret".write(toFile: folder.file("secret"), atomically: true, encoding: .utf8)
        let text = block.joined(separator: "\n").replacingOccurrences(of: "/etc/shuniu/national.secret", with: folder.file("secret"))
        let configuration = try HubConfiguration.parse("destinations:\n" + text + "\n", file: "example.yaml")
        let formatted = configuration.destinations.filter { $0.format != nil }
        #expect(Set(formatted.compactMap(\.format)).isSuperset(of: ["shuniu-json", "ggzy-v4"]))
        let spec = try RepositoryPaths.loadedSpec()
        for destination in formatted {
            let file = try DestinationFormatLoader.load(file: RepositoryPaths.mappings + "/destinations/\(destination.format!).yaml", spec: spec)
            #expect(file.requiredSettings.allSatisfy { destination.formatSettings[$0] != nil }, "\(destination.name) lacks settings of \(file.name)")
        }
    }

    @Test("A destination naming a format with no file, or one whose file has problems, or without a setting its format needs, stops the start with each named")
    func badFormatStopsStart() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let mappings = try Self.mappings(in: folder, formats: ["per-record": Self.perRecordFormat, "broken": "format: broken\nversion: \"1\"\nrequest: {x: $records}\nrecord: {a: $nope}\n"])
        do {
            try await RunningHub.withRunning(dataDir: folder.path + "/data", adjust: { configuration in
                configuration.mappingsDir = mappings
                configuration.destinations = [
                    Destination(name: "a", url: "http://127.0.0.1:9/a", format: "missing"),
                    Destination(name: "b", url: "http://127.0.0.1:9/b", format: "broken"),
                    Destination(name: "c", url: "http://127.0.0.1:9/c", format: "per-record"),
                ]
            }) { _ in Issue.record("the hub started") }
        } catch let error as DiagnosticsError {
            let messages = error.diagnostics.map { "\(($0.file as NSString).lastPathComponent):\($0.line.map(String.init) ?? "-") \($0.message)" }
            #expect(messages.contains { $0.hasPrefix("missing.yaml:- destination a names format missing, which has no file here (formats: broken, per-record)") }, "\(messages)")
            #expect(messages.contains { $0.hasPrefix("broken.yaml:4 'record.a': unknown reference $nope") }, "\(messages)")
            #expect(messages.contains { $0.hasPrefix("per-record.yaml:- destination c: format per-record needs formatSettings system") }, "\(messages)")
        }
    }
}
