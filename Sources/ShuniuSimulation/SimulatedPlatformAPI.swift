import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShuniuCore
import Synchronization

/// A trading platform that does not push but exposes its own API, on a loopback port: it serves
/// its own payloads (any JSON objects) with each paging style the hub's pull connectors know,
/// and misbehaves on command. For the tests.
///
/// | path | paging | answer |
/// |---|---|---|
/// | `GET /page?page=N&pageSize=M` | page numbers from 1 | the items of page N (a bare array, or `{itemsKey: […]}`) |
/// | `GET /cursor?cursor=C&pageSize=M` | cursor | `{"items": […], "paging": {"next": "c…" or null}}` |
/// | `GET /since?since=T&pageSize=M` | modified since | items whose `timeField` is at or after T, oldest first |
public final class SimulatedPlatformAPI: Sendable {
    /// How the API answers the next requests.
    public enum Behavior: Sendable, Equatable {
        case normal
        /// This status with a short body (500, 503, 401…).
        case status(Int)
        /// Waits this long before answering normally (to outlast a timeout); ends early when the
        /// behaviour changes.
        case hang(Duration)
        /// 200 with a body that is not JSON.
        case malformed
        /// 200 with a JSON array of this many bytes: a page past what the hub takes.
        case oversized(bytes: Int)
    }

    /// One request as received.
    public struct Received: Sendable {
        /// When the request arrived.
        public var at: ContinuousClock.Instant
        public var path: String
        public var query: [String: String]
        /// The request target as sent: the path and `?query`, what a signature covers.
        public var target: String
        /// Header names in lower case.
        public var headers: [String: String]
    }

    private struct State {
        var behavior: Behavior = .normal
        /// Items in the order they were first added; a changed item keeps its place.
        var items: [(key: String, value: JSONValue)] = []
        var received: [Received] = []
    }

    private let state = Mutex(State())
    private let server: LoopbackServer
    /// The field of each item that holds its modification time (for `/since`).
    public let timeField: String
    /// When set, `/page` and `/since` answer `{itemsKey: […]}` instead of a bare array.
    public let itemsKey: String?
    /// When set, every request must carry `Authorization: Bearer <token>`, else 401.
    public let bearerToken: String?
    public let port: Int

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public static func start(timeField: String = "modifiedAt", itemsKey: String? = nil, bearerToken: String? = nil) async -> SimulatedPlatformAPI {
        await SimulatedPlatformAPI(timeField: timeField, itemsKey: itemsKey, bearerToken: bearerToken)
    }

    private init(timeField: String, itemsKey: String?, bearerToken: String?) async {
        self.timeField = timeField
        self.itemsKey = itemsKey
        self.bearerToken = bearerToken
        let router = Router()
        // `self` is not available yet: the handlers reach it through a box filled after start.
        let box = LateReference<SimulatedPlatformAPI>()
        for path in ["/page", "/cursor", "/since"] {
            router.get(RouterPath(stringLiteral: path)) { request, _ in
                try await box.owner!.handle(request, path: path)
            }
        }
        server = await LoopbackServer.start(router, label: "simulated-platform-api")
        port = server.port
        box.owner = self
    }

    /// Adds items, or replaces those with the same key (a record changed at the platform).
    public func put(_ items: [(key: String, value: JSONValue)]) {
        state.withLock { state in
            for item in items {
                if let index = state.items.firstIndex(where: { $0.key == item.key }) {
                    state.items[index].value = item.value
                } else {
                    state.items.append(item)
                }
            }
        }
    }

    public func behave(_ behavior: Behavior) {
        state.withLock { $0.behavior = behavior }
    }

    public var received: [Received] {
        state.withLock { $0.received }
    }

    public func stop() async throws {
        behave(.normal)
        try await server.stop()
    }

    private func handle(_ request: Request, path: String) async throws -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let behavior = state.withLock { state in
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            state.received.append(Received(at: .now, path: path, query: query, target: target, headers: headers))
            return state.behavior
        }
        if let bearerToken, headers["authorization"] != "Bearer \(bearerToken)" {
            return Self.answer(status: .unauthorized, #"{"error": "bad token"}"#)
        }
        switch behavior {
        case .normal:
            break
        case .status(let code):
            return Self.answer(status: .init(code: code), #"{"error": "simulated failure"}"#)
        case .malformed:
            return Self.answer(status: .ok, "<html>upstream proxy error</html>")
        case .oversized(let bytes):
            return Self.answer(status: .ok, "[" + String(repeating: " ", count: max(0, bytes - 2)) + "]")
        case .hang(let duration):
            let deadline = ContinuousClock.now + duration
            while ContinuousClock.now < deadline, state.withLock({ $0.behavior }) == behavior {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let size = max(1, Int(query["pageSize"] ?? "") ?? 100)
        let items = state.withLock { $0.items }
        switch path {
        case "/page":
            let page = max(1, Int(query["page"] ?? "") ?? 1)
            let start = min(items.count, (page - 1) * size)
            return Self.answer(status: .ok, wrap(Array(items[start..<min(items.count, start + size)].map(\.value))))
        case "/cursor":
            let offset = query["cursor"].flatMap { Int($0.dropFirst()) } ?? 0
            let start = min(items.count, max(0, offset))
            let end = min(items.count, start + size)
            let next: JSONValue = end < items.count ? .string("c\(end)") : .null
            let body = JSONValue.object(["items": .array(items[start..<end].map(\.value)), "paging": .object(["next": next])])
            return Self.answer(status: .ok, body.canonicalText)
        default:
            let since = query["since"] ?? ""
            let timed = items.compactMap { item -> (String, String, JSONValue)? in
                guard case .string(let time)? = item.value.objectValue?[timeField], time >= since else { return nil }
                return (time, item.key, item.value)
            }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            return Self.answer(status: .ok, wrap(timed.prefix(size).map(\.2)))
        }
    }

    private func wrap(_ items: [JSONValue]) -> String {
        if let itemsKey { return JSONValue.object([itemsKey: .array(items)]).canonicalText }
        return JSONValue.array(items).canonicalText
    }

    private static func answer(status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
