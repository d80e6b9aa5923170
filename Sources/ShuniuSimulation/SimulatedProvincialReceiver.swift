import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShuniuCore
import ShuniuSpec
import Synchronization

/// A provincial public-resource receiver (Fujian's 数据规范4.0, `UploadData_G_V4`) on a loopback
/// port, built from the public facts of its behaviour (reference `national-spec/protocol.md` §1):
/// SOAP 1.1 at `/Services/DataService.asmx`, a DES token per call, one record per call with its
/// TITLE and CONTEXT, DATA_KEY as the record's identity, DATA_TYPE 1 insert / 2 update / 3
/// delete, the first problem answered as `{"STATUS":"-1","MSG":"…"}` in Chinese. What it checks is
/// in ``ProvincialReceiverLedger`` and ``ProvincialReceiverFieldRules``; the dataset's fields come
/// from the hub's spec (`DataSpec`: a dataset's `name` is the receiver's DATA_EN).
///
/// Not simulated: attachments (`<SOURCE>` is accepted and ignored; the receiver fetches files by
/// FTP), code-list (sys_dic) and UniqueValue checks, and the receiver's side effects.
public final class SimulatedProvincialReceiver: Sendable {
    /// A sending system registered with the receiver.
    public struct System: Sendable {
        /// The 4-character SYSTEM_NO the receiver gave it.
        public var systemNo: String
        /// Its 8-character secret: the DES key and IV of its token.
        public var secret: String
        /// The PLATFORM_CODEs (18 characters) its records may carry.
        public var platformCodes: Set<String>

        public init(systemNo: String, secret: String, platformCodes: Set<String>) {
            self.systemNo = systemNo
            self.secret = secret
            self.platformCodes = platformCodes
        }
    }

    /// How the receiver answers the next calls.
    public enum Behavior: Sendable {
        /// As the receiver does.
        case accept
        /// This HTTP status, nothing judged: 500 with a SOAP Fault, any other with a short text.
        case status(Int)
        /// Waits this long, then answers as the receiver does (to outlast a sender's timeout).
        case hang(Duration)
        /// Waits this long before judging the next call only (an answer lost on the way back),
        /// then accepts again: a retry that arrives meanwhile is judged at once.
        case hangOnce(Duration)
        /// Refuses the next `count` calls with `{"STATUS":"-1","MSG":message}`, changing nothing,
        /// then accepts again.
        case refuseNext(Int, message: String)
    }

    /// What a call got.
    public enum Outcome: Sendable, Equatable {
        /// `{"STATUS":"1"}`.
        case accepted
        /// `{"STATUS":"-1","MSG":message}`.
        case refused(String)
        /// A SOAP Fault (HTTP 500), or HTTP 415 for a body that is not `text/xml`: the request
        /// was not a call the service could read.
        case fault(String)
        /// An HTTP status ordered by ``Behavior/status(_:)``.
        case status(Int)
    }

    /// One call as received and answered.
    public struct Call: Sendable {
        /// When it arrived, by the receiver's clock (before any ordered hang).
        public var at: Date
        /// The sending system, once its token passed.
        public var systemNo: String?
        /// Its TITLE's DATA_NO, DATA_TYPE and DATA_KEY, as far as they were read.
        public var dataNo: String?
        public var dataType: String?
        public var dataKey: String?
        public var outcome: Outcome
        /// The `data` parameter as sent (XML text), when the envelope could be read.
        public var data: String?
    }

    private struct State {
        var behavior: Behavior = .accept
        var ledger = ProvincialReceiverLedger()
        var calls: [Call] = []
    }

    private let state = Mutex(State())
    private let systems: [String: System]
    private let spec: DataSpec
    private let server: LoopbackServer
    public let port: Int

    /// The service's address, as a destination names it.
    public var url: String { "http://127.0.0.1:\(port)\(ProvincialReceiverSOAP.path)" }

    /// The SOAPAction header value a call carries.
    public static let soapAction = ProvincialReceiverSOAP.soapAction

    /// Starts a receiver that knows `systems` and the datasets of `spec`.
    public static func start(systems: [System], spec: DataSpec) async -> SimulatedProvincialReceiver {
        await SimulatedProvincialReceiver(systems: systems, spec: spec)
    }

    private init(systems: [System], spec: DataSpec) async {
        self.systems = Dictionary(systems.map { ($0.systemNo, $0) }) { _, last in last }
        self.spec = spec
        let router = Router()
        // `self` is not available yet: the handler reaches the receiver through a box made first.
        let box = LateReference<SimulatedProvincialReceiver>()
        router.post(RouterPath(stringLiteral: ProvincialReceiverSOAP.path)) { request, _ in
            try await box.owner!.handle(request)
        }
        server = await LoopbackServer.start(router, label: "test-provincial-receiver")
        port = server.port
        box.owner = self
    }

    public func behave(_ behavior: Behavior) {
        state.withLock { $0.behavior = behavior }
    }

    /// The records of DATA_NO `dataNo`: DATA_KEY → the columns stored (the CONTEXT's values).
    public func records(dataNo: String) -> [String: [String: String]] {
        state.withLock { ($0.ledger.tables[dataNo] ?? [:]).mapValues(\.fields) }
    }

    /// The system (M_DATA_SOURCE) that sent the record `dataKey` of DATA_NO `dataNo`.
    public func source(dataNo: String, dataKey: String) -> String? {
        state.withLock { $0.ledger.tables[dataNo]?[dataKey]?.source }
    }

    /// Every call, in arrival order.
    public var calls: [Call] {
        state.withLock { $0.calls }
    }

    public func stop() async throws {
        try await server.stop()
    }

    private func handle(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
        let arrived = Date()
        // The behaviour in force when the call arrives decides its fate; a refusal is counted then.
        let behavior = state.withLock { state -> Behavior in
            let current = state.behavior
            if case .refuseNext(let count, let message) = current {
                state.behavior = count > 1 ? .refuseNext(count - 1, message: message) : .accept
            }
            if case .hangOnce = current { state.behavior = .accept }
            return current
        }
        switch behavior {
        case .hang(let duration), .hangOnce(let duration): try await Task.sleep(for: duration)
        default: break
        }
        let soapAction = request.headers[HTTPField.Name("SOAPAction")!]
        let contentType = request.headers[.contentType]
        let (status, text) = state.withLock { state in
            answer(Array(body.readableBytesView), arrived: arrived, soapAction: soapAction, contentType: contentType, behavior: behavior, state: &state)
        }
        var headers = HTTPFields()
        headers[.contentType] = text.hasPrefix("<?xml") ? "text/xml; charset=utf-8" : "text/plain; charset=utf-8"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Judges one request under the lock (a call is applied whole or not at all, as in the
    /// receiver's transaction) and logs it: the HTTP status and body to answer.
    private func answer(
        _ body: [UInt8], arrived: Date, soapAction: String?, contentType: String?, behavior: Behavior, state: inout State
    ) -> (Int, String) {
        var call = Call(at: arrived, outcome: .accepted)
        defer { state.calls.append(call) }
        if case .status(let code) = behavior {
            call.outcome = .status(code)
            if code == 500 {
                return (500, ProvincialReceiverSOAP.fault(.init(code: "soap:Server", message: "Server was unable to process request. ---> 服务器内部错误")))
            }
            return (code, "HTTP \(code)")
        }
        guard ProvincialReceiverSOAP.acceptsMediaType(contentType) else {
            let message = "Unsupported Media Type: a SOAP 1.1 call is \(ProvincialReceiverSOAP.mediaType), not \(contentType ?? "none")"
            call.outcome = .fault(message)
            return (415, message)
        }
        let parameters: ProvincialReceiverSOAP.Call
        do {
            parameters = try ProvincialReceiverSOAP.read(body, soapAction: soapAction, contentType: contentType)
        } catch {
            call.outcome = .fault(error.message)
            return (500, ProvincialReceiverSOAP.fault(error))
        }
        call.data = parameters.data
        if case .refuseNext(_, let message) = behavior {
            let heading = ProvincialReceiverLedger.heading(of: parameters.data)
            (call.dataNo, call.dataType, call.dataKey) = (heading.dataNo, heading.dataType, heading.dataKey)
            call.outcome = .refused(message)
            return (200, ProvincialReceiverSOAP.response(Self.result(refusal: message)))
        }
        // The token's time is judged against the clock when the call is judged (after a hang).
        let (heading, refusal) = state.ledger.take(parameters, systems: systems, spec: spec, now: Date())
        call.systemNo = heading.systemNo
        call.dataNo = heading.dataNo
        call.dataType = heading.dataType
        call.dataKey = heading.dataKey
        call.outcome = refusal.map(Outcome.refused) ?? .accepted
        return (200, ProvincialReceiverSOAP.response(Self.result(refusal: refusal)))
    }

    /// `{"STATUS":"1"}` or `{"STATUS":"-1","MSG":"…"}`, as the receiver writes it (Chinese as is).
    static func result(refusal: String?) -> String {
        guard let refusal else { return #"{"STATUS":"1"}"# }
        return #"{"STATUS":"-1","MSG":"# + JSONValue.string(refusal).canonicalText + "}"
    }
}
