import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the caller's address, for the audit log.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer: the client, or the reverse proxy in front.
    public let remoteAddress: SocketAddress?
    /// The client's address as text (`127.0.0.1`): the peer's, or the one a trusted proxy
    /// forwarded (``ClientAddressMiddleware``). What the audit log, refusals, rate limits and the
    /// access log name.
    public internal(set) var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientAddress = remoteAddress?.ipAddress
    }

    /// The TCP peer's address as text, or nil.
    var peerAddress: String? {
        remoteAddress?.ipAddress
    }

    /// The address requests are audited and counted under.
    var callerAddress: String? {
        clientAddress
    }
}
