import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuSimulation
import ShuniuSpec
import ShuniuTesting

/// Delivery throughput per destination format, each to a loopback receiver of its own kind, in
/// one run: the hub's own JSON (no file) as the reference, the same JSON from its file, the
/// provincial receiver's SOAP (one record per call, a DES token each) and the national CEB XML
/// (one object per call, checked against the objects' schema). Each round fills a paused
/// queue with `--batches × --batch-size` projects, resumes it, and times the drain from the first
/// delivery done until the store counts every one done. The receivers run in this process: their parsing and
/// checks share the cores with the hub, so the figures are lower bounds.
struct FormatBenchmark {
    let options: BenchmarkOptions

    struct Round {
        var name: String
        var requests: String
        var destination: (_ url: String, _ folder: TemporaryDirectory) throws -> Destination
        var receiver: () async throws -> (url: String, stop: @Sendable () async throws -> Void)
    }

    func run() async throws {
        let spec = try RepositoryPaths.loadedSpec()
        let system = SimulatedProvincialReceiver.System(systemNo: "9120", secret: "k3y5ecr8", platformCodes: ["91420100MA4K000001"])
        let upstream = { () async throws -> (url: String, stop: @Sendable () async throws -> Void) in
            let server = try await SimulatedUpstream.start()
            return (server.url, { try await server.stop() })
        }
        let rounds = [
            Round(name: "hub JSON (no file)", requests: "batches of 100", destination: { url, _ in
                Destination(name: "up", url: url, batchSize: 100, concurrency: 2)
            }, receiver: upstream),
            Round(name: "shuniu-json", requests: "batches of 100", destination: { url, _ in
                Destination(name: "up", url: url, batchSize: 100, concurrency: 2, format: "shuniu-json")
            }, receiver: upstream),
            Round(name: "ggzy-v4", requests: "1 record per call", destination: { url, folder in
                let secretFile = folder.file("ggzy.secret")
                try "k3y5ecr8".write(toFile: secretFile, atomically: true, encoding: .utf8)
                return Destination(name: "up", url: url, batchSize: 100, concurrency: 2, format: "ggzy-v4", formatSettings: [
                    "systemNo": "9120", "secretFile": secretFile, "platformCode": "91420100MA4K000001", "pubServicePlatCode": "91420000MA4K000002",
                    "pubServicePlat": "P4200000001", "caKey": "CA-BENCH", "routeWay": "1",
                ])
            }, receiver: {
                let receiver = await SimulatedProvincialReceiver.start(systems: [system], spec: spec)
                return (receiver.url, { try await receiver.stop() })
            }),
            Round(name: "ceb-xml", requests: "1 object per call", destination: { url, _ in
                Destination(name: "up", url: url, batchSize: 100, concurrency: 2, format: "ceb-xml")
            }, receiver: {
                let receiver = try await SimulatedCEBReceiver.start(schema: try CEBObjectSchema.load(file: RepositoryPaths.root + "/" + CEBObjectSchema.repositoryPath))
                return ("http://127.0.0.1:\(receiver.port)", { try await receiver.stop() })
            }),
        ]
        let records = options.batches * options.batchSize
        print("shuniu-bench formats: \(records) projects (dataset 500) per format, each to its own loopback receiver, 2 requests in flight")
        print("FORMAT              REQUESTS            DELIVERY rec/s  RATIO TO HUB JSON")
        var reference: Double?
        for round in rounds {
            let rate = try await drain(round, records: records)
            reference = reference ?? rate
            func padded(_ text: String) -> String { text.padding(toLength: 19, withPad: " ", startingAt: 0) }
            print(padded(round.name) + " " + padded(round.requests) + String(format: " %14.0f  %17.2f", rate, rate / (reference ?? rate)))
        }
    }

    /// Fills the paused queue, resumes it, and times the drain.
    private func drain(_ round: Round, records: Int) async throws -> Double {
        let folder = try TemporaryDirectory(prefix: "shuniu-bench")
        defer { folder.remove() }
        let receiver = try await round.receiver()
        let destination = try round.destination(receiver.url, folder)
        let hub = try await RunningHub.start(dataDir: folder.file("hub")) { configuration in
            configuration.destinations = [destination]
            configuration.routing = RoutingTable(routes: [Route(destination: "up")])
        }
        do {
            let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500"]))
            try await hub.store.setDestinationPaused("up", paused: true, by: "bench", reason: nil)
            for index in 0..<options.batches {
                _ = try await client.send(body: Fixtures.batch(Fixtures.projects(count: options.batchSize, start: index * options.batchSize + 1)))
            }
            let resumed = Date()
            try await hub.store.setDestinationPaused("up", paused: false, by: "bench", reason: nil)
            // Timed from the first delivery done: an idle worker notices a resume within its poll interval.
            var start: (at: Date, done: Int)?
            var done = 0
            while done < records {
                try await Task.sleep(for: .milliseconds(10))
                let stats = try await hub.store.queueStats(destinations: ["up"])[0]
                if stats.dead > 0 { throw BenchmarkFailure("\(round.name): \(stats.dead) deliveries went dead") }
                done = stats.delivered
                if start == nil, done > 0 { start = (Date(), done) }
            }
            // All done at the first look (a queue of one batch): timed from the resume.
            let first: (at: Date, done: Int) = start.flatMap { $0.done < records ? $0 : nil } ?? (resumed, 0)
            let rate = Double(records - first.done) / max(Date().timeIntervalSince(first.at), 0.001)
            try await hub.stop()
            try await receiver.stop()
            return rate
        } catch {
            try? await hub.stop()
            try? await receiver.stop()
            throw error
        }
    }
}

/// A round that could not be measured.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
