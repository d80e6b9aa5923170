import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShuniuSpec
import Synchronization

/// A real receiver of the national e-bidding public service platform (CEB) on a loopback port: it
/// checks each business object against `Mappings/destinations/ceb/objects.yaml`, keeps the latest
/// version of each, and misbehaves on command: for the tests of the `ceb-xml` destination format.
///
/// The protocol is this project's assumption, the smallest plausible one: no public copy of the
/// national exchange-interface spec exists (reference/national-spec/protocol.md §3).
/// - Request: `POST /ceb/<ObjectName>` (`/ceb/TenderProject`), the body one XML document in UTF-8, or
///   in GB 18030 (GBK, GB 2312) when its XML declaration names it. The document is one business
///   object (its root element the object's: `<tenderProject>`) or a `<DataList>` of several objects
///   of that name.
/// - Answer: HTTP 200 and, in UTF-8,
///   `<Result><success>true|false</success><errorCode>…</errorCode><errorMessage>…</errorMessage></Result>`
///   (the shape of the Shanxi client's result, protocol.md §2):
///   - `success` true, `errorCode` empty: every object kept.
///   - `success` true, `errorCode` `DUPLICATE`: one or more objects carried a `version` not newer than
///     the one held for their key, and were ignored (`errorMessage` names them); the others were kept.
///   - `success` false: the document is refused whole and nothing of it is kept; sent again unchanged,
///     it is refused again. `errorCode` is `MALFORMED_XML` or the first problem's kind
///     (`OUT_OF_ORDER`, `UNKNOWN_ELEMENT`, `MISSING_ELEMENT`, `PATTERN`, … see `CEBProblem.Kind`);
///     `errorMessage` lists the first problems, each `element path: message`, joined by "; ".
///   - HTTP 404 with a Result (`UNKNOWN_OBJECT`) for an object name the schema does not have.
///   - HTTP 5xx, or no answer in time: a transient fault; the sender tries again later.
/// - Versions: `version` is 14 digits (`yyyyMMddHHmmss`, the schema's pattern); the receiver keeps,
///   per object name and key element (`CEBObject.key`), the object with the newest version.
public final class SimulatedCEBReceiver: Sendable {
    /// How the receiver answers the next documents.
    public enum Behavior: Sendable {
        /// Checks and keeps, as described above.
        case accept
        /// This HTTP status with an empty body; nothing kept.
        case status(Int)
        /// Waits this long, then answers as `accept` does (to outlast a sender's timeout).
        case hang(Duration)
        /// Answers the next `count` documents `success` false, `errorCode` `REFUSED`, keeping nothing;
        /// then accepts again.
        case refuse(next: Int)
    }

    /// The `Result` an answer carried.
    public struct Answer: Sendable, Hashable {
        public var status: Int
        public var success: Bool
        public var errorCode: String
        public var errorMessage: String
    }

    /// One request as received, with what it was answered.
    public struct Received: Sendable {
        /// The request path: `/ceb/<ObjectName>`.
        public var target: String
        public var body: [UInt8]
        /// Nil when the behaviour answered a bare HTTP status.
        public var answer: Answer?
    }

    /// The latest object kept for a key.
    public struct HeldObject: Sendable {
        public var object: String
        public var key: String
        public var version: String
        public var element: OrderedXMLElement

        /// The text of the object's element of that name.
        public func value(_ name: String) -> String? {
            element.child(name)?.text
        }
    }

    private struct State {
        var behavior: Behavior = .accept
        var received: [Received] = []
        /// By object name, then key.
        var held: [String: [String: HeldObject]] = [:]
    }

    /// Documents larger than this are refused by the server before they are read.
    public static let maximumBodyBytes = 16 << 20
    /// How many problems an answer lists.
    public static let reportedProblems = 10

    private let state = Mutex(State())
    private let schema: CEBObjectSchema
    public let port: Int
    private let server: LoopbackServer

    /// `http://127.0.0.1:<port>/ceb`: an object's address is this, `/`, its name.
    public var baseURL: String { "http://127.0.0.1:\(port)/ceb" }

    /// Starts a receiver that checks documents against `schema`.
    public static func start(schema: CEBObjectSchema) async throws -> SimulatedCEBReceiver {
        await SimulatedCEBReceiver(schema: schema)
    }

    private init(schema: CEBObjectSchema) async {
        self.schema = schema
        let router = Router()
        // `self` is not available yet: the handler reaches the receiver through a box made first.
        let box = LateReference<SimulatedCEBReceiver>()
        router.post("/ceb/:object") { request, context in
            try await box.owner!.handle(request, object: context.parameters.get("object") ?? "")
        }
        server = await LoopbackServer.start(router, label: "test-ceb-receiver")
        port = server.port
        box.owner = self
    }

    public func behave(_ behavior: Behavior) {
        state.withLock { $0.behavior = behavior }
    }

    public var received: [Received] {
        state.withLock { $0.received }
    }

    /// The latest object kept under that object name and key, if any.
    public func held(_ object: String, key: String) -> HeldObject? {
        state.withLock { $0.held[object]?[key] }
    }

    /// How many objects are kept, over all names.
    public var heldCount: Int {
        state.withLock { $0.held.values.reduce(0) { $0 + $1.count } }
    }

    public func stop() async throws {
        try await server.stop()
    }

    // MARK: Handling

    private func handle(_ request: Request, object name: String) async throws -> Response {
        var request = request
        let body = Array(try await request.collectBody(upTo: Self.maximumBodyBytes).readableBytesView)
        let target = request.uri.path
        let behavior = state.withLock { state -> Behavior in
            let behavior = state.behavior
            if case .refuse(let count) = behavior { state.behavior = count > 1 ? .refuse(next: count - 1) : .accept }
            return behavior
        }
        let answer: Answer
        switch behavior {
        case .status(let code):
            state.withLock { $0.received.append(Received(target: target, body: body, answer: nil)) }
            return Response(status: .init(code: code))
        case .refuse:
            answer = Answer(status: 200, success: false, errorCode: "REFUSED", errorMessage: "refused on command")
            state.withLock { $0.received.append(Received(target: target, body: body, answer: answer)) }
        case .hang(let duration):
            try await Task.sleep(for: duration)
            answer = receive(body, object: name, target: target)
        case .accept:
            answer = receive(body, object: name, target: target)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/xml; charset=utf-8"
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.resultXML(answer))))
    }

    /// An object that passed the checks, with its key and version.
    private struct Checked {
        var key: String
        var version: String
        var element: OrderedXMLElement
    }

    /// Checks a document and keeps its objects; records the request with its answer.
    private func receive(_ body: [UInt8], object name: String, target: String) -> Answer {
        let (objects, refusal) = check(body, object: name)
        return state.withLock { state in
            var answer = refusal ?? Answer(status: 200, success: true, errorCode: "", errorMessage: "")
            var duplicates: [String] = []
            for object in objects {
                if let held = state.held[name]?[object.key], held.version >= object.version {
                    duplicates.append("\(object.key) version \(object.version) (held: \(held.version))")
                } else {
                    state.held[name, default: [:]][object.key] = HeldObject(object: name, key: object.key, version: object.version, element: object.element)
                }
            }
            if !duplicates.isEmpty {
                answer.errorCode = "DUPLICATE"
                answer.errorMessage = "not newer than the version held: " + duplicates.joined(separator: ", ")
            }
            state.received.append(Received(target: target, body: body, answer: answer))
            return answer
        }
    }

    /// The document's objects, or (with none) the answer that refuses it.
    private func check(_ body: [UInt8], object name: String) -> (objects: [Checked], refusal: Answer?) {
        func refused(_ code: String, _ message: String, status: Int = 200) -> ([Checked], Answer?) {
            ([], Answer(status: status, success: false, errorCode: code, errorMessage: message))
        }
        guard let object = schema.object(named: name) else {
            return refused(CEBProblem.Kind.unknownObject.rawValue,
                           "no object named '\(name)'; known: \(schema.objects.map(\.name).joined(separator: ", "))", status: 404)
        }
        let root: OrderedXMLElement
        do {
            root = try OrderedXMLReader.read(body)
        } catch {
            return refused("MALFORMED_XML", error.description)
        }
        var elements: [(element: OrderedXMLElement, path: String)] = [(root, "/" + root.name)]
        if root.name == "DataList" {
            guard !root.children.isEmpty else {
                return refused(CEBProblem.Kind.missingElement.rawValue, "/DataList: holds no <\(object.element)>")
            }
            elements = root.children.enumerated().map { index, child in (child, "/DataList/\(child.name)[\(index + 1)]") }
        }
        var problems: [CEBProblem] = []
        for (element, path) in elements where problems.count < Self.reportedProblems {
            problems += object.problems(in: element, path: path, limit: Self.reportedProblems - problems.count)
        }
        if let first = problems.first {
            return refused(first.kind.rawValue, problems.map(\.description).joined(separator: "; "))
        }
        let checked = elements.map { element, _ in
            Checked(key: element.child(object.key)?.text ?? "", version: element.child("version")?.text ?? "", element: element)
        }
        return (checked, nil)
    }

    static func resultXML(_ answer: Answer) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        return #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Result><success>\(answer.success)</success><errorCode>\(escaped(answer.errorCode))</errorCode>"
            + "<errorMessage>\(escaped(answer.errorMessage))</errorMessage></Result>\n"
    }
}
