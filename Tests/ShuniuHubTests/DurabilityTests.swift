import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
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

        let daemon = try await HubProcess.start(dataDir: dataDir, logFile: folder.file("serve.log"))
        let client = IngestClient(baseURL: daemon.baseURL, credential: credential)
        var acknowledged: [String] = []
        for batch in 0..<5 {
            let records = try Fixtures.projects(count: 100, start: batch * 100 + 1)
            let response = try await client.send(body: Fixtures.batch(records))
            #expect(response.status == 200, "\(response.bodyText)")
            let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
            acknowledged += answer.results.filter { $0.status == "accepted" }.compactMap(\.key)
        }
        try await daemon.stop(signal: SIGKILL)
        #expect(daemon.process.terminationReason == .uncaughtSignal)

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

        let daemon = try await HubProcess.start(dataDir: dataDir, logFile: folder.file("serve.log"))
        let client = IngestClient(baseURL: daemon.baseURL, credential: credential)
        // Hold a request in flight: headers and half the body now, the rest after SIGTERM.
        let body = try Fixtures.batch(Fixtures.projects(count: 200))
        let head = "POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + client.signatureHeaders(path: "/api/v1/records", body: body).map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
        let connection = try RawHTTPConnection(port: daemon.port)
        try connection.send(Array(head.utf8) + body.prefix(body.count / 2))
        try await Task.sleep(for: .milliseconds(300))
        kill(daemon.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        // No new connections once shutting down…
        #expect(throws: TestHubError.self) { try RawHTTPConnection(port: daemon.port) }
        // …but the one in flight is finished and answered.
        try connection.send(Array(body.suffix(from: body.count / 2)))
        let response = try await connection.readAll()
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(300))")
        #expect(try await daemon.waitForExit() == 0)
        #expect(daemon.log.contains("shuniu stopped"))

        let reopened = try HubStore(directory: dataDir)
        defer { try? reopened.close() }
        #expect(try await reopened.versionCount() == 200)
    }
}
