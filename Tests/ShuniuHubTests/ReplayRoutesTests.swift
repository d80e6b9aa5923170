import Foundation
import ShuniuStore
import ShuniuTesting
import Testing

/// `shuniu replay` sends what the destination's routes would send, unless told to send everything.
@Suite("Replay follows the destination's routes")
struct ReplayRoutesTests {
    @Test("replay queues only the routed datasets and counts the rest as skipped; --all-datasets queues them too")
    func followsRoutes() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("var")
        // Ingested with no destination at all: nothing is queued until a replay.
        try await RunningHub.withRunning(dataDir: dataDir) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)  // 500, 501, 502, 503
        }
        let config = try creditConfiguration(in: folder, dataDir: dataDir, routedDatasets: ["501", "502"])

        let routed = try await CLI.run(["replay", "--config", config, "--destination", "credit", "--since", "1d"])
        #expect(routed.status == 0, "\(routed.output)")
        #expect(routed.output.contains("queued 2 version(s) for credit; 2 skipped by its routes"), "\(routed.output)")
        #expect(try await waitingDatasets(dataDir) == ["501", "502"])

        let everything = try await CLI.run(["replay", "--config", config, "--destination", "credit", "--since", "1d", "--all-datasets"])
        #expect(everything.status == 0 && everything.output.contains("queued 2 version(s) for credit"), "\(everything.output)")
        #expect(!everything.output.contains("skipped"), "\(everything.output)")
        #expect(try await waitingDatasets(dataDir) == ["500", "501", "502", "503"])

        let store = try HubStore(directory: dataDir)
        defer { try? store.close() }
        let audit = try await store.auditEntries(limit: 2, action: "delivery.replay")
        #expect(audit.map { $0.detail.contains("\"routes\":\"followed\"") } == [false, true], "\(audit.map(\.detail))")
        #expect(audit.last?.detail.contains("\"skippedByRoutes\":\"2\"") == true)
    }

    @Test("A withdrawal the routes would not send is replayed after its original, as at ingest")
    func withdrawalFollowsOriginal() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("var")
        try await RunningHub.withRunning(dataDir: dataDir) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["302", "303", "500"]))
            #expect(try await client.send(body: Fixtures.batch([Fixtures.datasetRecord("302")])).status == 200)
            #expect(try await client.send(body: Fixtures.batch([Fixtures.datasetRecord("303")])).status == 200)
        }
        let config = try creditConfiguration(in: folder, dataDir: dataDir, routedDatasets: ["302"])
        let replayed = try await CLI.run(["replay", "--config", config, "--destination", "credit", "--since", "1d"])
        #expect(replayed.status == 0, "\(replayed.output)")
        #expect(replayed.output.contains("queued 2 version(s) for credit (1 of them withdrawals following their originals there); 0 skipped"), "\(replayed.output)")
        #expect(try await waitingDatasets(dataDir) == ["302", "303"])
    }

    @Test("--dataset is the filter's name; --class is refused as an unknown flag")
    func datasetFlag() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let config = folder.file("hub.yaml")
        try """
            storage: {dataDir: \(folder.file("var"))}
            destinations:
              - {name: credit, url: "http://127.0.0.1:9/records"}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        _ = try await Fixtures.registerBeforeStart(dataDir: folder.file("var"))
        let named = try await CLI.run(["replay", "--config", config, "--destination", "credit", "--since", "1d", "--dataset", "500"])
        #expect(named.status == 0, "\(named.output)")
        #expect(named.output.contains("no route sends anything there"), "\(named.output)")
        let letters = try await CLI.run(["dead-letters", "list", "--config", config, "--dataset", "500"])
        #expect(letters.status == 0 && letters.output.contains("no dead letters"), "\(letters.output)")
        let old = try await CLI.run(["replay", "--config", config, "--destination", "credit", "--since", "1d", "--class", "500"])
        #expect(old.status == 64, "\(old.output)")
    }

    /// A configuration over `dataDir` with one destination, `credit`, routed only `routedDatasets`
    /// (its URL answers nothing: replays only queue).
    private func creditConfiguration(in folder: TemporaryDirectory, dataDir: String, routedDatasets: [String]) throws -> String {
        let config = folder.file("hub.yaml")
        try """
            storage: {dataDir: \(dataDir)}
            paths: {mappings: \(RepositoryPaths.mappings)}
            destinations:
              - {name: credit, url: "http://127.0.0.1:9/records"}
            routes:
              - {destination: credit, datasets: [\(routedDatasets.map { "\"\($0)\"" }.joined(separator: ", "))]}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    private func waitingDatasets(_ dataDir: String) async throws -> [String] {
        let store = try HubStore(directory: dataDir)
        defer { try? store.close() }
        return try await store.waitingDeliveries(destination: "credit").map(\.dataset).sorted()
    }
}
