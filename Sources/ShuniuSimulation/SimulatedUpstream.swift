import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import ShuniuCore
import Synchronization

/// A real upstream (national hub, supervision or credit platform) on a loopback port that
/// records what it receives and misbehaves on command: for the tests and `shuniu demo`.
public final class SimulatedUpstream: Sendable {
    /// How the upstream answers the next requests.
    public enum Behavior: Sendable {
        /// 200, every record accepted.
        case accept
        /// This status, with an optional `Retry-After` and body.
        case status(Int, retryAfter: String? = nil, body: String = "{}")
        /// Waits this long before answering 200 (to outlast a timeout).
        case hang(Duration)
        /// 200 with per-record results: records whose key is listed are rejected.
        case rejectKeys(Set<String>)
        /// 200 with this many bytes of body, with a `Content-Length` or, when `declared` is
        /// false, chunked (a server that never says how much is coming).
        case flood(bytes: Int, declared: Bool)
        /// 200 when the check passes (a signature verified as the request was sent), else 401.
        case verify(@Sendable (Received) -> Bool)
        /// The status and body this gives for the request (an upstream that answers each request on its own).
        case answer(@Sendable (Received) -> (status: Int, body: String))
    }

    /// One request as received.
    public struct Received: Sendable {
        /// When the request arrived.
        public var at: ContinuousClock.Instant
        public var headers: [String: String]
        /// The request target as sent: the path, and `?query` when there is one.
        public var target: String
        public var body: [UInt8]
        /// `idempotencyKey`, `key` and `version` of each record, in order.
        public var records: [(idempotencyKey: String, key: String, version: Int)]
    }

    private let state = Mutex<(behavior: Behavior, received: [Received])>((.accept, []))
    public let port: Int
    private let server: LoopbackServer

    public var url: String { "http://127.0.0.1:\(port)/records" }

    public static func start() async throws -> SimulatedUpstream {
        try await SimulatedUpstream(starting: ())
    }

    private init(starting: Void) async throws {
        let router = Router()
        // `self` is not available yet: the handler reaches the state through a box made first.
        let box = LateReference<SimulatedUpstream>()
        router.post("/records") { request, _ in
            try await box.owner!.handle(request)
        }
        server = await LoopbackServer.start(router, label: "test-upstream")
        port = server.port
        box.owner = self
    }

    public func behave(_ behavior: Behavior) {
        state.withLock { $0.behavior = behavior }
    }

    public var received: [Received] {
        state.withLock { $0.received }
    }

    /// Every record received, in arrival order.
    public var receivedRecords: [(idempotencyKey: String, key: String, version: Int)] {
        received.flatMap(\.records)
    }

    public func stop() async throws {
        try await server.stop()
    }

    private func handle(_ request: Request) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024 * 1024)
        // A body that is not JSON (an upstream format of another kind) is received with no records read.
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))) ?? .null
        var records: [(String, String, Int)] = []
        if case .array(let items)? = value.objectValue?["records"] {
            for item in items {
                guard let fields = item.objectValue, case .string(let key)? = fields["idempotencyKey"],
                      case .string(let businessKey)? = fields["key"], case .number(let version)? = fields["version"] else { continue }
                records.append((key, businessKey, Int(version)))
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let received = Received(at: .now, headers: headers, target: target, body: Array(buffer.readableBytesView), records: records)
        let behavior = state.withLock { state in
            state.received.append(received)
            return state.behavior
        }
        switch behavior {
        case .accept:
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        case .status(let code, let retryAfter, let body):
            var fields = HTTPFields()
            if let retryAfter { fields[.retryAfter] = retryAfter }
            return Response(status: .init(code: code), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        case .hang(let duration):
            try await Task.sleep(for: duration)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        case .rejectKeys(let rejected):
            let results = records.map { record -> JSONValue in
                .object(["idempotencyKey": .string(record.0), "status": .string(rejected.contains(record.1) ? "rejected" : "accepted"),
                         "message": .string(rejected.contains(record.1) ? "bad credit code" : "ok")])
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["results": .array(results)]).canonicalText)))
        case .answer(let respond):
            let (status, body) = respond(received)
            return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: body)))
        case .verify(let check):
            let holds = check(received)
            return Response(status: holds ? .ok : .unauthorized, body: .init(byteBuffer: ByteBuffer(string: holds ? "{}" : #"{"error": {"code": "auth.bad_signature", "message": "signature does not verify"}}"#)))
        case .flood(let bytes, let declared):
            let chunk = ByteBuffer(repeating: 0x20, count: 64 * 1024)
            return Response(status: .ok, body: ResponseBody(contentLength: declared ? bytes : nil) { writer in
                var left = bytes
                while left > 0 {
                    try await writer.write(chunk.getSlice(at: 0, length: min(left, chunk.readableBytes))!)
                    left -= chunk.readableBytes
                }
                try await writer.finish(nil)
            })
        }
    }
}
