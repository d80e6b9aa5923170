import ArgumentParser
import Foundation
import Logging
import ShuniuApp
import ShuniuClient
import ShuniuConnectors
import ShuniuCore
import ShuniuIngest
import ShuniuSimulation
import ShuniuSpec

/// `shuniu demo`: the whole loop on loopback — platforms push or are pulled from, the hub routes,
/// upstreams receive, one fails for a while and its queue drains when it recovers, a superior hub
/// pulls the feed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the hub with simulated trading platforms and upstreams, and watch the queues fill and drain.",
        discussion: """
            First the three sample platforms push their own payloads (flat Chinese-keyed JSON, nested camelCase JSON,
            CEB-style XML), mapped by their files in Mappings/platforms; then two simulated trading platforms (Wuhan and
            Beijing) push signed spec-shaped tenders; four simulated upstreams receive them:
            the national hub (everything), the Hubei and Beijing supervision platforms (by region) and the credit platform
            (tender projects), which answers 503 for the first --fail-for seconds; a simulated provincial receiver takes
            Hubei's projects and tender projects in its own SOAP protocol (format ggzy-v4). Meanwhile a pull connector takes projects
            from E4201000004's own (simulated) API, and a simulated superior hub pulls the feed with long-poll.
            Everything runs on 127.0.0.1 and stops by itself.
            """
    )

    @Option(name: .long, help: "Seconds the platforms keep pushing.") var duration = 15
    @Option(name: .customLong("fail-for"), help: "Seconds the credit platform fails before it recovers.") var failFor = 10
    @Option(name: .customLong("data-dir"), help: "Store folder (default: a temporary one, removed afterwards).") var dataDir: String?
    @Option(name: .long, help: "Folder holding spec/ (the common data spec) and platforms/ (mapping files).") var mappings = "./Mappings"
    @Option(name: .long, help: "Folder of sample payloads, one sub-folder per mapped platform.") var samples = "./Ops/samples/platforms"

    func validate() throws {
        guard (1...600).contains(duration), (0...600).contains(failFor) else { throw ValidationError("--duration 1–600 and --fail-for 0–600 seconds") }
        guard FileManager.default.fileExists(atPath: mappings + "/spec/spec.yaml") else {
            throw ValidationError("no common spec under \(mappings)/spec: run the demo from the repository's root or pass --mappings")
        }
    }

    func run() async throws {
        let folder = dataDir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("shuniu-demo-\(UUID().uuidString)")
        defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: folder) } }
        var logger = Logger(label: "shuniu-demo")
        logger.logLevel = .error

        let upstreams: [(name: String, kind: Destination.Kind, route: Route, upstream: SimulatedUpstream)] = [
            ("national", .nationalHub, Route(destination: "national"), try await SimulatedUpstream.start()),
            ("supervision-hubei", .supervision, Route(destination: "supervision-hubei", regionPrefixes: ["42"]), try await SimulatedUpstream.start()),
            ("supervision-beijing", .supervision, Route(destination: "supervision-beijing", regionPrefixes: ["11"]), try await SimulatedUpstream.start()),
            ("credit", .credit, Route(destination: "credit", datasets: ["501", "302", "303"]), try await SimulatedUpstream.start()),
        ]
        let credit = upstreams[3].upstream
        if failFor > 0 { credit.behave(.status(503, body: "credit platform under maintenance")) }

        // A provincial public-resource receiver that speaks its own SOAP protocol (the ggzy-v4 format).
        let spec = try SpecLoader.load(directory: mappings + "/spec")
        let province = await SimulatedProvincialReceiver.start(
            systems: [.init(systemNo: "9120", secret: "demo9120", platformCodes: ["91420100MA4K000001"])], spec: spec
        )
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let provinceSecret = (folder as NSString).appendingPathComponent("ggzy.secret")
        try "demo9120".write(toFile: provinceSecret, atomically: true, encoding: .utf8)

        var configuration = HubConfiguration()
        configuration.port = 0
        configuration.dataDir = folder
        configuration.mappingsDir = mappings
        configuration.destinations = upstreams.map {
            Destination(name: $0.name, kind: $0.kind, url: $0.upstream.url, batchSize: 50, retrySchedule: [2, 2, 4, 4, 8, 8, 16],
                        circuitBreakerFailures: 3, circuitBreakerPause: 3)
        } + [Destination(
            name: "hubei-ggzy", url: province.url, batchSize: 50, retrySchedule: [2, 2, 4, 4, 8, 8, 16], format: "ggzy-v4",
            formatSettings: [
                "systemNo": "9120", "secretFile": provinceSecret, "platformCode": "91420100MA4K000001", "pubServicePlatCode": "91420000MA4K000002",
                "pubServicePlat": "P4200000001", "caKey": "DEMO-CA", "routeWay": "1",
            ]
        )]
        // Blacklist entries also go to the Hubei supervisor; their withdrawals are routed to the
        // credit platform alone, and follow each entry wherever it went.
        configuration.routing = RoutingTable(routes: upstreams.map(\.route) + [
            Route(destination: "supervision-hubei", datasets: ["302"]),
            Route(destination: "hubei-ggzy", datasets: ["500", "501"], regionPrefixes: ["42"]),
        ])
        // E4201000004 also exposes its own API: a pull connector takes its projects by modification time.
        let platformAPI = await SimulatedPlatformAPI.start(timeField: "修改时间")
        platformAPI.put(try apiProjects(count: 6))
        var connector = ConnectorConfiguration(
            name: "e4201000004-api", platform: PlatformID(rawValue: "E4201000004")!, baseURL: platformAPI.baseURL,
            endpoints: [.init(name: "projects", path: "/since")], paging: .since
        )
        connector.timePath = "修改时间"
        connector.intervalSeconds = 2
        connector.retrySeconds = 1
        connector.maxRetrySeconds = 2
        configuration.connectors = [connector]
        let hub = try await Hub(configuration: configuration, logger: logger, spec: spec)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = try hub.makeServiceGroup { continuation.yield($0) }
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        print("hub on 127.0.0.1:\(port), store \(folder); upstreams on ports \(upstreams.map { String($0.upstream.port) }.joined(separator: ", "))")

        let platforms = try await [("E4201000001", "武汉示范交易平台", "420102"), ("E1100000002", "北京示范交易平台", "110105")].asyncMap { code, name, region in
            let credential = PlatformCredential(appKey: "demo-\(code)", secret: UUID().uuidString)
            let now = Date()
            let id = PlatformID(rawValue: code)!
            try await hub.store.addPlatform(
                Platform(id: id, name: name, status: .active, certifiedUntil: CalendarDay(now.addingTimeInterval(365 * 86400)),
                         allowedDatasets: ["500", "501", "502", "503"], appKey: credential.appKey, createdAt: now, updatedAt: now),
                secret: credential.secret, by: "demo"
            )
            return SimulatedPlatform(id: id, regionCode: region, client: IngestClient(baseURL: "http://127.0.0.1:\(port)", credential: credential))
        }

        try await pushSamples(hub: hub, port: port)

        // A superior hub pulls the feed with long-poll as the platforms push.
        let consumerSecret = UUID().uuidString
        try await hub.store.addConsumer(
            Consumer(id: "national-hub", name: "全国公共资源交易平台 (simulated)", appKey: "demo-national-hub", requestsPerMinute: 6000,
                     createdAt: Date(), updatedAt: Date()),
            secret: consumerSecret, by: "demo"
        )
        let superior = SimulatedSuperiorHub(
            client: ConsumerClient(baseURL: "http://127.0.0.1:\(port)", appKey: "demo-national-hub", secret: consumerSecret),
            cursorFile: (folder as NSString).appendingPathComponent("superior-hub.cursor")
        )
        let pulling = Task { await superior.run(limit: 1000, waitSeconds: 2) }

        let started = Date()
        var pushed = 0
        var nextDraw = started
        var recovered = failFor == 0
        while true {
            let elapsed = Date().timeIntervalSince(started)
            if !recovered && elapsed >= Double(failFor) {
                credit.behave(.accept)
                recovered = true
                print(">>> the credit platform is back")
            }
            if elapsed < Double(duration) {
                for platform in platforms {
                    let status = try await platform.push(tenders: 2, from: pushed + 1)
                    if status != 200 { print("push answered HTTP \(status)") }
                }
                pushed += 2
            }
            let stats = try await hub.store.queueStats(destinations: upstreams.map(\.name))
            if Date() >= nextDraw {
                print("\n— \(Int(elapsed)) s, \(pushed * 4 * platforms.count) records pushed —")
                print(QueuesCommand.render(stats))
                nextDraw = Date().addingTimeInterval(1)
            }
            let waiting = stats.reduce(0) { $0 + $1.pending + $1.inFlight + $1.retrying }
            if elapsed >= Double(duration) && recovered && waiting == 0 { break }
            if elapsed > Double(duration + failFor + 60) {
                print("stopping with \(waiting) deliveries still waiting")
                break
            }
            try await Task.sleep(for: .milliseconds(500))
        }

        try await creditRepair(hub: hub, port: port, upstreams: upstreams.map { ($0.name, $0.upstream) })

        print("\nreceived upstream:")
        for (name, _, _, upstream) in upstreams {
            print("  \(name): \(upstream.receivedRecords.count) records in \(upstream.received.count) requests")
        }
        let held = ["500", "501"].reduce(0) { $0 + province.records(dataNo: $1).count }
        let refused = province.calls.filter { if case .refused = $0.outcome { true } else { false } }.count
        print("  hubei-ggzy (SOAP, one record per call): \(held) records held by DATA_KEY after \(province.calls.count) calls, \(refused) refused (shuniu dead-letters list --destination hubei-ggzy)")
        // Give the connector's first runs and the superior hub's last poll a moment to finish (bounded).
        for _ in 0..<100 {
            let fetched = try await hub.store.connectorStates(connector: connector.name).reduce(0) { $0 + $1.recordsFetched }
            if fetched > 0, try await superior.received.count >= hub.store.versionCount() { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        pulling.cancel()
        _ = await pulling.value
        let pulledRecords = try await hub.store.connectorStates(connector: connector.name).reduce(0) { $0 + $1.recordsFetched }
        print("fetched from E4201000004's own API by its pull connector: \(pulledRecords) records, repeats included (shuniu connectors)")
        print("pulled by the superior hub through the feed: \(await superior.received.count) versions (cursor \(await superior.cursor); every read audited as read.feed)")
        await group.triggerGracefulShutdown()
        try await running.value
        for entry in upstreams { try await entry.upstream.stop() }
        try await province.stop()
        try await platformAPI.stop()
    }

    /// Story 8: a 黑名单 entry (302) reaches the credit platform, the national hub and the Hubei
    /// supervisor; its withdrawal (303) is routed to the first two alone and follows the entry to
    /// the third.
    func creditRepair(hub: Hub, port: Int, upstreams: [(name: String, upstream: SimulatedUpstream)]) async throws {
        let id = PlatformID(rawValue: "E4201000008")!
        let credential = PlatformCredential(appKey: "demo-\(id)", secret: UUID().uuidString)
        let now = Date()
        try await hub.store.addPlatform(
            Platform(id: id, name: "示范信用信息报送平台", status: .active, certifiedUntil: CalendarDay(now.addingTimeInterval(365 * 86400)),
                     allowedDatasets: ["302", "303"], appKey: credential.appKey, createdAt: now, updatedAt: now),
            secret: credential.secret, by: "demo"
        )
        let client = IngestClient(baseURL: "http://127.0.0.1:\(port)", credential: credential)
        let entry = "7c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5"
        let subject: [String: JSONValue] = [
            "BLACKLIST_CODE": .string(entry), "BODY_NAME": .string("武汉某建设工程有限公司"), "BODY_TYPE": .string("1"),
            "BODY_CODE": .string("91420100MA4K000537"), "BODY_ROLE": .string("03"), "GOVERNMENT": .string("武汉市某区住房和城乡建设局"), "SCOPE": .string("1"),
        ]
        let listing = subject.merging([
            "RECORD_REASON": .string("串通投标，情节严重"), "RECORD_DATE": .string("20250402090000"), "DOCUMENT_CODE": .string("武建罚〔2025〕15号"),
            "REVOCATION_STATUS": .string("0"), "CONFINED_ACTION": .string("01"),
        ]) { $1 }
        let withdrawal = subject.merging([
            "REVOCATIONEASONS": .string("已完成信用修复"), "DOCUMENT_CODE": .string("武建信修〔2026〕3号"), "ROPOSER": .string("武汉某建设工程有限公司"),
            "APPLICATION_DATE": .string("20261015100000"),
        ]) { $1 }
        func received(_ name: String) -> Int { upstreams.first { $0.name == name }?.upstream.receivedRecords.filter { $0.key == entry }.count ?? 0 }
        print("\ncredit repair: \(id) lists 武汉某建设工程有限公司 (302 黑名单), then withdraws the entry (303)")
        for (dataset, data) in [("302", listing), ("303", withdrawal)] {
            let body = Array(JSONValue.object(["records": .array([.object(["dataset": .string(dataset), "data": .object(data)])])]).canonicalText.utf8)
            let status = try await client.send(body: body).status
            if status != 200 { print("  \(dataset) answered HTTP \(status)") }
            let expected = dataset == "302" ? 1 : 2
            for _ in 0..<100 where received("supervision-hubei") < expected { try await Task.sleep(for: .milliseconds(100)) }
        }
        for (name, _) in upstreams where received(name) > 0 {
            print("  \(name): the entry\(received(name) > 1 ? " and its withdrawal" : "")")
        }
        if received("supervision-hubei") == 2 {
            print("  the withdrawal followed the entry to supervision-hubei, beyond its routes")
        }
    }

    /// Projects in E4201000004's own flat shape, as its API serves them, from its sample payload.
    func apiProjects(count: Int) throws -> [(key: String, value: JSONValue)] {
        let sample = (samples as NSString).appendingPathComponent("E4201000004/project.json")
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: sample))) else {
            throw CLIFailure("cannot read \(sample)")
        }
        return (1...count).map { number in
            var project = fields
            let key = "E4201000004" + String(format: "%06d", 900 + number)
            project["项目编号"] = .string(key)
            project["项目名称"] = .string("接口拉取示范项目 \(number)")
            project["修改时间"] = .string(String(format: "2026-11-20 10:%02d:00", number))
            return (key, .object(project))
        }
    }
}

extension DemoCommand {
    /// The order a platform sends its payloads in: what a record refers to comes first.
    static let payloadOrder = [
        "project", "tender-project", "sections", "bulletin", "tender-bulletin", "open-bid-record", "win-candidate-bulletin", "win-bid",
    ]

    /// Registers each mapped sample platform and pushes its sample payloads, printing each answer.
    func pushSamples(hub: Hub, port: Int) async throws {
        for mapping in hub.mappings.mappings {
            let folder = (samples as NSString).appendingPathComponent(mapping.platform.rawValue)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }
                .sorted { (Self.rank($0), $0) < (Self.rank($1), $1) }
            guard !files.isEmpty else { continue }
            let credential = PlatformCredential(appKey: "demo-\(mapping.platform)", secret: UUID().uuidString)
            let now = Date()
            try await hub.store.addPlatform(
                Platform(id: mapping.platform, name: "示范平台 \(mapping.platform) (\(mapping.format.rawValue))", status: .active,
                         certifiedUntil: CalendarDay(now.addingTimeInterval(365 * 86400)), allowedDatasets: hub.spec.datasets.keys.sorted(),
                         appKey: credential.appKey, createdAt: now, updatedAt: now),
                secret: credential.secret, by: "demo"
            )
            let client = IngestClient(baseURL: "http://127.0.0.1:\(port)", credential: credential)
            print("\n\(mapping.platform) pushes its own \(mapping.format.rawValue) payloads (mapping \(mapping.version)):")
            for file in files {
                let body = try [UInt8](Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(file))))
                let response = try await client.send(body: body)
                let answer = try? JSONDecoder().decode(IngestResponse.self, from: Data(response.body))
                let summary = answer.map { "\($0.accepted) accepted, \($0.duplicate) duplicate, \($0.rejected) rejected" } ?? response.bodyText
                print("  \(file): HTTP \(response.status), \(summary)")
                for result in answer?.results ?? [] {
                    for problem in (result.problems ?? []) + (result.warnings ?? []) {
                        print("    \(result.status == .rejected ? "✗" : "!") \(problem.code) \(problem.path): \(problem.message)")
                    }
                }
            }
        }
    }

    static func rank(_ file: String) -> Int {
        let stem = (file as NSString).deletingPathExtension
        return payloadOrder.firstIndex(of: stem) ?? payloadOrder.count
    }
}

extension Array {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
