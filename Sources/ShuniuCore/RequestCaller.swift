import Synchronization

/// Who an HTTP request proved to be from (a platform or a consumer), noted by the service that
/// authenticated it, for the request's access log line. The access log sets ``current`` for the
/// request's task; outside a request there is none and noting does nothing.
public final class RequestCaller: Sendable {
    @TaskLocal public static var current: RequestCaller?

    public struct Identity: Sendable, Equatable {
        /// `platform` or `consumer`.
        public var kind: String
        public var id: String
    }

    private let state = Mutex<Identity?>(nil)

    public init() {}

    /// Notes the authenticated caller of the request under way, if any.
    public static func note(_ kind: String, _ id: String) {
        current?.state.withLock { $0 = Identity(kind: kind, id: id) }
    }

    public var identity: Identity? { state.withLock { $0 } }
}
