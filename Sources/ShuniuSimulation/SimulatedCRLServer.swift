import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A CA's CRL publication point on a loopback port: serves the files of a folder at
/// `/crl/<path>` (a test PKI's `crl/` folder) and misbehaves on command, per path.
public final class SimulatedCRLServer: Sendable {
    /// How the server answers requests for a path.
    public enum Behavior: Sendable {
        /// The file under the folder (404 when there is none).
        case serve
        /// These bytes instead: another CA's CRL, a newer CRL, anything.
        case bytes([UInt8])
        /// This status with a short body.
        case status(Int)
        /// 200 with bytes that are no CRL.
        case garbage
    }

    /// The folder served, behaviours by request path (`/crl/demo-rsa/intermediate.crl`; `.serve`
    /// for the rest) and requests counted by path.
    private let state: Mutex<(folder: String, behaviors: [String: Behavior], requests: [String: Int])>
    public let port: Int
    private let server: LoopbackServer

    /// `http://127.0.0.1:<port>/crl`: what a test PKI's `--crl-base` is.
    public var base: String { "http://127.0.0.1:\(port)/crl" }

    /// Starts serving `folder` on an ephemeral loopback port. The folder may be given later
    /// (``serveFiles(from:)``): a test PKI names the server's port, so it is made afterwards.
    public static func start(folder: String = "/nonexistent") async throws -> SimulatedCRLServer {
        try await SimulatedCRLServer(folder: folder)
    }

    private init(folder: String) async throws {
        state = Mutex((folder, [:], [:]))
        let router = Router()
        // `self` is not available yet: the handler reaches the server through a box made first.
        let box = LateReference<SimulatedCRLServer>()
        router.get("/crl/**") { request, _ in
            box.owner?.answer(request.uri.path) ?? Response(status: .serviceUnavailable)
        }
        server = await LoopbackServer.start(router, label: "test-crl-server")
        port = server.port
        box.owner = self
    }

    /// Serves the files of `folder` from now on.
    public func serveFiles(from folder: String) {
        state.withLock { $0.folder = folder }
    }

    /// Sets how `path` (`/crl/<ca>/<file>`) is answered from now on.
    public func behave(_ behavior: Behavior, for path: String) {
        state.withLock { $0.behaviors[path] = behavior }
    }

    /// Requests received for `path` so far.
    public func requests(for path: String) -> Int {
        state.withLock { $0.requests[path] ?? 0 }
    }

    /// Stops listening: from then on connections are refused.
    public func stop() async throws {
        try await server.stop()
    }

    private func answer(_ path: String) -> Response {
        let (folder, behavior) = state.withLock { state in
            state.requests[path, default: 0] += 1
            return (state.folder, state.behaviors[path] ?? .serve)
        }
        switch behavior {
        case .serve:
            let relative = String(path.dropFirst("/crl/".count))
            guard !relative.split(separator: "/").contains(".."),
                  let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(relative)) else {
                return Response(status: .notFound)
            }
            return Self.ok(Array(data))
        case .bytes(let bytes):
            return Self.ok(bytes)
        case .status(let code):
            return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: "unavailable")))
        case .garbage:
            return Self.ok(Array("<html>this is not a CRL</html>".utf8))
        }
    }

    private static func ok(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/pkix-crl"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
