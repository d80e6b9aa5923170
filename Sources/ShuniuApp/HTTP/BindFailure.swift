import Foundation
import NIOCore

/// The server could not listen on its address: said with the address and what to do, instead of
/// NIO's `bind(descriptor:ptr:bytes:)` text. Made from the error `serve` gets when start-up fails.
public struct BindFailure: Error, CustomStringConvertible, Sendable {
    public var description: String

    /// Nil when `error` is not a failure to listen on `host:port`.
    public init?(_ error: any Error, host: String, port: Int) {
        // An IPv6 literal in brackets, as in a URL: `[::1]:8480`.
        let address = (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        if let unknown = error as? SocketAddressError.UnknownHost {
            description = "cannot listen on \(address): the host name \(unknown.host) does not resolve (server.host or --host)"
            return
        }
        guard let io = error as? IOError else { return nil }
        switch io.errnoCode {
        case EADDRINUSE:
            description = "\(address) is already in use: another process listens there (stop it, or set server.port or --port)"
        case EADDRNOTAVAIL:
            description = "\(address) is not available: \(host) is not an address of this machine (server.host or --host)"
        case EACCES, EPERM:
            description = "\(address) is not permitted: ports below 1024 need privileges (CAP_NET_BIND_SERVICE); choose another server.port or --port"
        default:
            return nil
        }
    }
}
