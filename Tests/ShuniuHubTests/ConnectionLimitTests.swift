import Foundation
import ShuniuApp
import ShuniuClient
import ShuniuTesting
import ShuniuTransport
import Testing

/// Slow clients and dead connections: the header, body and idle timeouts and the per-address cap
/// close what they should and count it in `/metrics`, and leave long polls and steady uploads alone.
@Suite("Connection limits: header, body and idle timeouts, the per-address cap")
struct ConnectionLimitTests {
    static func metricsText(_ hub: RunningHub) async throws -> String {
        try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText
    }

    /// The value of one series in Prometheus text, e.g. `shuniu_http_limit{name="max_connections"}`.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func closed(_ reason: String) -> String { #"shuniu_http_connections_closed_total{reason=""# + reason + #""}"# }

    /// A signed ingest request's head for `body`, as a platform would send it.
    static func signedHead(_ client: IngestClient, body: [UInt8]) throws -> [UInt8] {
        let head = "POST /api/v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            + (try client.signatureHeaders(path: "/api/v1/records", body: body)).map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
        return Array(head.utf8)
    }

    @Test("A connection that sends half a request head, or nothing, is closed unanswered after the header timeout, and counted")
    func headerTimeout() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { $0.connections.headerTimeoutSeconds = 1 }) { hub in
            let halfHead = try RawHTTPConnection(port: hub.port)
            let silent = try RawHTTPConnection(port: hub.port)
            let start = ContinuousClock.now
            try halfHead.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
            #expect(try await halfHead.readUntilClosed(timeout: 30) == "")
            #expect(ContinuousClock.now - start >= .milliseconds(800))
            #expect(try await silent.readUntilClosed(timeout: 30) == "")

            let text = try await Self.metricsText(hub)
            #expect(Self.value(text, Self.closed("header_timeout")) == 2, "\(text)")
            #expect(Self.value(text, Self.closed("body_timeout")) == 0)
            #expect(Self.value(text, #"shuniu_http_limit{name="header_timeout_seconds"}"#) == 1)
            #expect(Self.value(text, #"shuniu_http_limit{name="idle_timeout_seconds"}"#) == 60)
        }
    }

    @Test("A body that stalls is closed after the body timeout; one sent in steady pieces for longer than that is stored")
    func bodyTimeout() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { $0.connections.bodyTimeoutSeconds = 2 }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let body = try Fixtures.batch(Fixtures.projects(count: 20))
            let stalled = try RawHTTPConnection(port: hub.port)
            try stalled.send(try Self.signedHead(client, body: body) + body.prefix(body.count / 2))
            #expect(try await stalled.readUntilClosed(timeout: 30) == "")
            #expect(Self.value(try await Self.metricsText(hub), Self.closed("body_timeout")) == 1)

            // Ten pieces 300 ms apart: three seconds in all, longer than the body timeout, but no
            // pause near as long (a busy machine may stretch a pause; 2 s leaves it room).
            let steady = try RawHTTPConnection(port: hub.port)
            try steady.send(try Self.signedHead(client, body: body))
            let piece = (body.count + 9) / 10
            // Paced from a thread of its own: a busy run's cooperative threads must not stretch the pauses.
            try await blocking {
                for offset in stride(from: 0, to: body.count, by: piece) {
                    Thread.sleep(forTimeInterval: 0.3)
                    try steady.send(Array(body[offset..<min(offset + piece, body.count)]))
                }
            }
            let answer = try #require(try await steady.readUntilClosed(timeout: 30))
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
            #expect(Self.value(try await Self.metricsText(hub), Self.closed("body_timeout")) == 1)
        }
    }

    @Test("An idle kept-alive connection is closed after the idle timeout; a long-polling feed read longer than that is answered")
    func idleTimeout() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { $0.connections.idleTimeoutSeconds = 1 }) { hub in
            let connection = try RawHTTPConnection(port: hub.port)
            try connection.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            let answer = try #require(try await connection.readUntilClosed(timeout: 30), "the kept-alive connection was never closed")
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
            #expect(Self.value(try await Self.metricsText(hub), Self.closed("idle_timeout")).map { $0 >= 1 } == true)

            let reader = try await Fixtures.registerConsumer(on: hub)
            let start = ContinuousClock.now
            let page = try await reader.feed(waitSeconds: 3)
            #expect(page.status == 200, "\(page.bodyText)")
            #expect(ContinuousClock.now - start >= .seconds(2), "the feed read did not wait")
        }
    }

    @Test("With maxConnectionsPerAddress 5, of 20 connections 15 are closed at once and 5 stay; requests succeed once they are gone")
    func perAddressCap() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path, adjust: {
            $0.connections.maxConnectionsPerAddress = 5
            $0.connections.headerTimeoutSeconds = 120
        }) { hub in
            var connections = try (0..<20).map { _ in try RawHTTPConnection(port: hub.port) }
            let settled = await eventually { connections.filter(\.isClosedByPeer).count >= 15 }
            #expect(settled)
            #expect(connections.filter(\.isClosedByPeer).count == 15)
            let extra = try RawHTTPConnection(port: hub.port)
            #expect(try await extra.readUntilClosed(timeout: 30) == "")

            connections.removeAll()
            var text = ""
            let served = await eventually {
                text = (try? await Self.metricsText(hub)) ?? ""
                return text.contains("shuniu_http_connections_open")
            }
            #expect(served)
            // 15, the extra one, and any /metrics request made before the 5 were gone.
            #expect(Self.value(text, Self.closed("per_address_cap")).map { $0 >= 16 } == true, "\(text)")
            #expect(Self.value(text, #"shuniu_http_limit{name="max_connections_per_address"}"#) == 5)
            #expect(Self.value(text, "shuniu_http_connections_open").map { $0 >= 1 && $0 <= 5 } == true)
        }
    }
}
