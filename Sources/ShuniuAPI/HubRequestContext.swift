import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the caller's address, for the audit log.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The address as text (`127.0.0.1`), or nil.
    var callerAddress: String? {
        remoteAddress?.ipAddress
    }
}
