import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback port, for sending a request in pieces (to hold it in
/// flight across a shutdown). Closed in `deinit`.
public final class RawHTTPConnection: @unchecked Sendable {
    // @unchecked: the descriptor is immutable; callers use one connection from one task at a time.
    private let socketDescriptor: Int32

    /// Connects to 127.0.0.1:`port`; throws when nothing listens there.
    public init(port: Int) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw TestHubError(message: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socketDescriptor)
            throw TestHubError(message: "connection to port \(port) refused")
        }
    }

    deinit {
        close(socketDescriptor)
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socketDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestHubError(message: "send failed") }
            offset += sent
        }
    }

    /// Reads until the peer closes or `timeout` passes, off the cooperative pool.
    public func readAll(timeout: TimeInterval = 10) async throws -> String {
        try await blocking { self.readAllBlocking(timeout: timeout) }
    }

    /// Reads until the peer closes and returns what came, or nil when `timeout` passes with the
    /// connection still open; off the cooperative pool.
    public func readUntilClosed(timeout: TimeInterval) async throws -> String? {
        try await blocking { self.readUntilClosedBlocking(timeout: timeout) }
    }

    /// Whether the peer has closed (or reset) the connection by now; does not wait and reads nothing.
    public var isClosedByPeer: Bool {
        var byte: UInt8 = 0
        let count = recv(socketDescriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 { return true }
        return count < 0 && errno != EAGAIN && errno != EWOULDBLOCK
    }

    private func readUntilClosedBlocking(timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var timeoutValue = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(socketDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return String(decoding: received, as: UTF8.self)
            }
        }
        return nil
    }

    private func readAllBlocking(timeout: TimeInterval) -> String {
        var timeoutValue = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socketDescriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
