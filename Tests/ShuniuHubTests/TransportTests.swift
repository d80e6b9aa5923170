import Foundation
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import Testing

@Suite("libcurl multi interface client")
struct TransportTests {
    /// A POST with a timeout long enough for a busy test run, whose in-process upstreams share
    /// two cooperative threads with every other suite; the timeout tests set their own.
    func post(_ url: String, _ body: String = #"{"records":[]}"#, timeout: Int = 30) -> OutgoingRequest {
        OutgoingRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8), timeoutSeconds: timeout)
    }

    @Test("Many transfers in flight at once on one loop thread all complete")
    func concurrentTransfers() async throws {
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.hang(.seconds(2)))
        let client = try CurlMultiClient()
        let started = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 { group.addTask { try await client.send(post(upstream.url)).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.count == 40 && statuses.allSatisfy { $0 == 200 })
        // Serially this would take 80 s; in parallel on one loop thread, a few (a loaded CI
        // machine gets generous room, but not enough to hide serial transfers).
        #expect(ContinuousClock.now - started < .seconds(40))
        #expect(upstream.received.count == 40)
        client.shutdown()
        try await upstream.stop()
    }

    @Test("A response past the request's size limit stops the transfer, whether its length is declared or not", arguments: [true, false])
    func responseTooLarge(declared: Bool) async throws {
        let upstream = try await SimulatedUpstream.start()
        let client = try CurlMultiClient()
        var request = post(upstream.url)
        request.maxResponseBytes = 1 << 20
        upstream.behave(.flood(bytes: 1 << 20, declared: declared))
        #expect(try await client.send(request).body.count == 1 << 20, "exactly the limit is taken")
        upstream.behave(.flood(bytes: 64 << 20, declared: declared))
        let error = try await #require(throws: TransportError.self) { try await client.send(request) }
        #expect(error.curlCode == TransportError.responseTooLarge && error.message.contains("larger than 1048576 bytes"), "\(error)")
        // The easy interface's client keeps the same limit.
        let easy = try await #require(throws: TransportError.self) { try await CurlHTTPClient().send(request) }
        #expect(easy.curlCode == TransportError.responseTooLarge)
        client.shutdown()
        try await upstream.stop()
    }

    @Test("Status, headers and body come back; refused connections and timeouts are transport errors")
    func outcomes() async throws {
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.status(429, retryAfter: "7", body: "slow down"))
        let client = try CurlMultiClient()
        let response = try await client.send(post(upstream.url))
        #expect(response.status == 429 && response.headers["retry-after"] == "7" && response.bodyText == "slow down")

        upstream.behave(.hang(.seconds(3)))
        await #expect(throws: TransportError.self) { try await client.send(post(upstream.url, timeout: 1)) }
        try await upstream.stop()
        let refused = await #expect(throws: TransportError.self) { try await client.send(post(upstream.url)) }
        #expect(refused?.message.lowercased().contains("connect") == true)
        client.shutdown()
        await #expect(throws: TransportError.self) { try await client.send(post(upstream.url)) }
    }
}
