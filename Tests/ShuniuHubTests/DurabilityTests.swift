import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuSimulation
import ShuniuTesting
import Testing

/// What was acknowledged survives restarts and kills.
@Suite("Durability: restart, SIGKILL and SIGTERM")
struct DurabilityTests {
    @Test("After a graceful restart the hub finds everything and knows its duplicates")
    func restart() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let first = try await RunningHub.start(dataDir: folder.path)
        let credential = try await Fixtures.register(in: first.store)
        let body = try Fixtures.batch(Fixtures.sampleRecords())
        #expect(try await first.client(credential).send(body: body).status == 200)
        try await first.stop()

        let second = try await RunningHub.start(dataDir: folder.path)
        #expect(try await second.store.versionCount() == 4)
        #expect(try await second.store.platform(Fixtures.platformID)?.appKey == credential.appKey)
        let again = try await second.client(credential).send(body: body)
        let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(again.body))
        #expect(answer.duplicate == 4)
        #expect(try await second.store.verifyAuditChain().intact)
        try await second.stop()
    }

    @Test("A daemon killed with SIGKILL right after acknowledging keeps every acknowledged record")
    func sigkillAfterAcknowledgement() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential = try await Fixtures.registerBeforeStart(dataDir: dataDir)

        var acknowledged: [String] = []
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log")) { daemon in
            let client = IngestClient(baseURL: daemon.baseURL, credential: credential)
            for batch in 0..<5 {
                let records = try Fixtures.projects(count: 100, start: batch * 100 + 1)
                let response = try await client.send(body: Fixtures.batch(records))
                #expect(response.status == 200, "\(response.bodyText)")
                let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
                acknowledged += answer.results.filter { $0.status == "accepted" }.compactMap(\.key)
            }
            try await daemon.stop(signal: SIGKILL)
            #expect(try await daemon.waitForExit() == 128 + SIGKILL)
        }

        let reopened = try HubStore(directory: dataDir)
        defer { try? reopened.close() }
        #expect(acknowledged.count == 500)
        #expect(try await reopened.versionCount() == 500)
        for key in [acknowledged.first!, acknowledged[250], acknowledged.last!] {
            #expect(try await reopened.latestVersion(dataset: "500", key: key) != nil)
        }
        #expect(try await reopened.verifyAuditChain().intact)
    }

    @Test("SIGTERM stops the daemon cleanly: exit 0, store closed, data kept")
    func sigterm() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential = try await Fixtures.registerBeforeStart(dataDir: dataDir)

        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log")) { daemon in
            let client = IngestClient(baseURL: daemon.baseURL, credential: credential)
            // Hold a request in flight: headers and half the body now, the rest after SIGTERM.
            let body = try Fixtures.batch(Fixtures.projects(count: 200))
            let head = "POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
                + (try client.signatureHeaders(path: "/api/v1/records", body: body)).map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
            let connection = try RawHTTPConnection(port: daemon.port)
            try connection.send(Array(head.utf8) + body.prefix(body.count / 2))
            try await Task.sleep(for: .milliseconds(300))
            daemon.process.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            // No new connections once shutting down…
            #expect(throws: TestHubError.self) { try RawHTTPConnection(port: daemon.port) }
            // …but the one in flight is finished and answered.
            try connection.send(Array(body.suffix(from: body.count / 2)))
            let response = try await connection.readAll()
            #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(300))")
            #expect(try await daemon.waitForExit() == 0)
            #expect(daemon.log.contains("shuniu stopped"))
        }

        let reopened = try HubStore(directory: dataDir)
        defer { try? reopened.close() }
        #expect(try await reopened.versionCount() == 200)
    }

    @Test("A daemon killed with SIGKILL mid-delivery delivers every acknowledged record after restart, repeats only with the same key")
    func sigkillMidDelivery() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.hang(.milliseconds(400)))
        let config = folder.file("hub.yaml")
        try """
            destinations:
              - name: national
                url: \(upstream.url)
                batchSize: 10
                concurrency: 2
                retrySchedule: [1s, 1s, 1s]
            routes:
              - destination: national
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let credential = try await Fixtures.registerBeforeStart(dataDir: dataDir)

        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("first.log"), config: config) { first in
            let client = IngestClient(baseURL: first.baseURL, credential: credential)
            for batch in 0..<4 {
                let response = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 50, start: batch * 50 + 1)))
                #expect(response.status == 200)
            }
            #expect(await eventually { upstream.received.count >= 2 })
            try await first.stop(signal: SIGKILL)
        }

        upstream.behave(.accept)
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("second.log"), config: config) { second in
            #expect(await eventually(timeout: .seconds(30)) { Set(upstream.receivedRecords.map(\.key)).count == 200 })
            let received = upstream.receivedRecords
            // Every record arrived; a repeat carries the same idempotency key as its first arrival.
            let keysByRecord = Dictionary(grouping: received, by: \.key).mapValues { Set($0.map(\.idempotencyKey)) }
            #expect(keysByRecord.count == 200)
            #expect(keysByRecord.values.allSatisfy { $0.count == 1 })
            try await second.stop(signal: SIGTERM)
        }
        try await upstream.stop()
    }
}
