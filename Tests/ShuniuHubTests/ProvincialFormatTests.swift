import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuSimulation
import ShuniuTesting
import Testing

/// The shipped `ggzy-v4` format: a real hub pushing to a simulated provincial receiver over its
/// SOAP protocol, token and all.
@Suite("ggzy-v4: the provincial receiver's protocol")
struct ProvincialFormatTests {
    static let system = SimulatedProvincialReceiver.System(systemNo: "9120", secret: "k3y5ecr8", platformCodes: ["91420100MA4K000001"])

    static func destination(_ receiver: SimulatedProvincialReceiver, secretFile: String, timeout: Int = 30, retrySchedule: [Int] = [1, 1, 1]) -> Destination {
        Destination(
            name: "province", url: receiver.url, timeoutSeconds: timeout, batchSize: 20, retrySchedule: retrySchedule, format: "ggzy-v4",
            formatSettings: [
                "systemNo": "9120", "secretFile": secretFile, "platformCode": "91420100MA4K000001", "pubServicePlatCode": "91420000MA4K000002",
                "pubServicePlat": "P4200000001", "caKey": "CA-TEST-0001", "routeWay": "1",
            ]
        )
    }

    /// The receiver's DATA_KEY of a hub record: SYSTEM_NO, dataset, hub id padded to 22.
    static func dataKey(_ dataset: String, _ hubId: Int64) -> String {
        let serial = String(hubId)
        return "9120" + dataset + String(repeating: "0", count: 22 - 4 - dataset.count - serial.count) + serial
    }

    @Test("Inserts, updates and deletes reach the receiver, which ends holding exactly the hub's latest state; its refusal is a dead letter with its message")
    func latestStateAndRefusals() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let secretFile = folder.file("ggzy.secret")
        try "k3y5ecr8\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let receiver = await SimulatedProvincialReceiver.start(systems: [Self.system], spec: try RepositoryPaths.loadedSpec())
        try await RunningHub.withRunning(dataDir: folder.path + "/data", adjust: { configuration in
            configuration.destinations = [Self.destination(receiver, secretFile: secretFile)]
            configuration.routing = RoutingTable(routes: [Route(destination: "province", datasets: ["500", "501"])])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let project = try Fixtures.record("500")
            let tender = try Fixtures.record("501")
            #expect(try await client.send(body: Fixtures.batch([project, tender])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].delivered == 2 }
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "武汉某某项目（二期）"])])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].delivered == 3 }
            var deleted = tender
            deleted["operation"] = "delete"
            #expect(try await client.send(body: Fixtures.batch([deleted])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].delivered == 4 }

            let projectCode = try #require((project["data"] as? [String: Any])?["PROJECT_CODE"] as? String)
            let stored = try #require(try await hub.store.versions(dataset: "500", key: projectCode).last)
            let held = receiver.records(dataNo: "500")
            #expect(Array(held.keys) == [Self.dataKey("500", stored.hubId)])
            #expect(held.values.first?["PROJECT_NAME"] == "武汉某某项目（二期）")
            #expect(held.values.first?["TRADE_PLAT"] == Fixtures.platformID.rawValue)
            #expect(receiver.records(dataNo: "501").isEmpty)
            #expect(receiver.calls.map(\.dataType) == ["1", "1", "2", "3"])
            #expect(receiver.calls.allSatisfy { $0.outcome == .accepted && $0.systemNo == "9120" })

            // A version the receiver refuses: a dead letter keeping its MSG.
            receiver.behave(.refuseNext(1, message: "字段PROJECT_NAME(项目名称)不符合要求"))
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "第三版"])])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].dead == 1 }
            let letter = try #require(try await hub.store.deadLetters(DeadLetterFilter(destination: "province")).first)
            #expect(letter.upstreamResponse == "字段PROJECT_NAME(项目名称)不符合要求" && letter.version == 3)
            #expect(receiver.records(dataNo: "500").values.first?["PROJECT_NAME"] == "武汉某某项目（二期）")

            // Shown to an operator, the request carries no token: it is a credential for 12 hours.
            let config = folder.file("hub.yaml")
            let settings = Self.destination(receiver, secretFile: secretFile).formatSettings.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
            try """
                paths: {mappings: \(RepositoryPaths.mappings)}
                storage: {dataDir: \(hub.dataDir)}
                destinations:
                  - {name: province, url: "\(receiver.url)", format: ggzy-v4, formatSettings: {\(settings)}}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let shown = try await CLI.run(["mappings", "test", "--config", config, "--destination", "province", "500", projectCode])
            #expect(shown.status == 0, "\(shown.output)")
            #expect(shown.output.contains("[the token, made when sending]") && shown.output.contains("UploadData_G_V4"), "\(shown.output)")
            #expect(shown.output.contains("this format cannot carry: flags"))
        }
        try await receiver.stop()
    }

    @Test("An insert whose answer was lost is applied; sent again it is already there, and goes once more as an update, not to the dead letters")
    func lostAnswerThenUpdate() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let secretFile = folder.file("ggzy.secret")
        try "k3y5ecr8".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let receiver = await SimulatedProvincialReceiver.start(systems: [Self.system], spec: try RepositoryPaths.loadedSpec())
        // The first call is applied 3 s after it arrives; the hub gives up on it after 2 s and
        // tries again 4 s later at the earliest (5 s ±20 %), when the receiver holds the record.
        receiver.behave(.hangOnce(.seconds(3)))
        try await RunningHub.withRunning(dataDir: folder.path + "/data", adjust: { configuration in
            configuration.destinations = [Self.destination(receiver, secretFile: secretFile, timeout: 2, retrySchedule: [5, 5, 5])]
            configuration.routing = RoutingTable(routes: [Route(destination: "province", datasets: ["500"])])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500")])).status == 200)
            try await eventually(timeout: .seconds(30)) { try await hub.store.queueStats(destinations: ["province"])[0].delivered == 1 }
            // In the order the calls arrived: the insert (applied), the insert again (refused as
            // present), the update (accepted).
            let outcomes = receiver.calls.sorted { $0.at < $1.at }.map { "\($0.dataType ?? "-") \($0.outcome == .accepted ? "ok" : "refused")" }
            #expect(outcomes == ["1 ok", "1 refused", "2 ok"], "\(outcomes)")
            #expect(try await hub.store.queueStats(destinations: ["province"])[0].dead == 0)
        }
        try await receiver.stop()
    }

    @Test("A wrong secret is refused by the receiver's token check: a dead letter naming it; a secret of the wrong size stops the start")
    func tokenChecked() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let secretFile = folder.file("ggzy.secret")
        try "wrongkey".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let receiver = await SimulatedProvincialReceiver.start(systems: [Self.system], spec: try RepositoryPaths.loadedSpec())
        try await RunningHub.withRunning(dataDir: folder.path + "/data", adjust: { configuration in
            configuration.destinations = [Self.destination(receiver, secretFile: secretFile)]
            configuration.routing = RoutingTable(routes: [Route(destination: "province", datasets: ["500"])])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500")])).status == 200)
            try await eventually { try await hub.store.queueStats(destinations: ["province"])[0].dead == 1 }
            let letter = try #require(try await hub.store.deadLetters(DeadLetterFilter(destination: "province")).first)
            #expect(letter.upstreamResponse?.isEmpty == false, "\(letter)")
            #expect(receiver.records(dataNo: "500").isEmpty)
        }
        try "short".write(toFile: secretFile, atomically: true, encoding: .utf8)
        do {
            try await RunningHub.withRunning(dataDir: folder.path + "/data2", adjust: { configuration in
                configuration.destinations = [Self.destination(receiver, secretFile: secretFile)]
            }) { _ in Issue.record("the hub started with a 5-character DES secret") }
        } catch let error as DiagnosticsError {
            #expect(error.diagnostics.contains { $0.message.contains("must be 8 ASCII characters") }, "\(error)")
        }
        try await receiver.stop()
    }
}
