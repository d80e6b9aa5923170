import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShuniuCore
import Synchronization

/// Logs one line per HTTP request once its answer is written: method, path (query values that
/// could be secrets masked), status, bytes sent, milliseconds, the client's address (and the
/// proxy's, when a trusted one forwarded it), the platform or consumer when the request
/// authenticated, and the request id (the caller's `X-Request-Id` when it is a plain token, else
/// the hub's own), which is sent back in `X-Request-Id`.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = Self.requestID(request.headers[AccessLogMiddleware.requestIDField], fallback: context.id)
        var context = context
        context.logger[metadataKey: "requestId"] = "\(requestID)"
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path)",
            "requestId": "\(requestID)",
        ]
        if let query = Self.maskedQuery(request.uri.query) { metadata["query"] = "\(query)" }
        if let address = context.clientAddress { metadata["address"] = "\(address)" }
        // Through a trusted proxy: which one, beside the client it forwarded for.
        if let peer = context.peerAddress, peer != context.clientAddress { metadata["proxy"] = "\(peer)" }
        let caller = RequestCaller()
        var response: Response
        do {
            response = try await RequestCaller.$current.withValue(caller) { try await next(request, context) }
        } catch {
            // Errors become answers further out (404, 405, a handler's HTTPError): logged with their status.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            log(metadata, status: status.code, bytes: nil, caller: caller, started: started)
            throw error
        }
        response.headers[AccessLogMiddleware.requestIDField] = requestID
        let body = response.body
        let sent = Mutex<Int>(0)
        let status = response.status.code
        let logger = self.logger
        let finished = metadata
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer.map { buffer in
                    sent.withLock { $0 += buffer.readableBytes }
                    return buffer
                })
            } catch {
                AccessLogMiddleware.log(finished, status: status, bytes: sent.withLock { $0 }, caller: caller, started: started, logger: logger)
                throw error
            }
            AccessLogMiddleware.log(finished, status: status, bytes: sent.withLock { $0 }, caller: caller, started: started, logger: logger)
        }
        return response
    }

    private func log(_ metadata: Logger.Metadata, status: Int, bytes: Int?, caller: RequestCaller, started: ContinuousClock.Instant) {
        Self.log(metadata, status: status, bytes: bytes, caller: caller, started: started, logger: logger)
    }

    private static func log(_ metadata: Logger.Metadata, status: Int, bytes: Int?, caller: RequestCaller, started: ContinuousClock.Instant, logger: Logger) {
        var metadata = metadata
        metadata["status"] = "\(status)"
        metadata["bytes"] = "\(bytes ?? 0)"
        let elapsed = ContinuousClock.now - started
        metadata["ms"] = "\(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)"
        if let identity = caller.identity { metadata[identity.kind] = "\(identity.id)" }
        logger.info("request", metadata: metadata)
    }

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    /// The caller's id when it is 1–64 letters, digits, `-`, `_` or `.` (anything else could
    /// forge log fields), else the hub's.
    static func requestID(_ given: String?, fallback: String) -> String {
        guard let given, (1...64).contains(given.utf8.count),
              given.utf8.allSatisfy({ $0 < 0x80 && (isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")) })
        else { return fallback }
        return given
    }

    /// Query parameter names whose values are never logged.
    static let secretNames = ["secret", "token", "key", "sign", "password", "passwd", "nonce", "auth", "credential"]

    /// The query with the value of every parameter whose name looks secret replaced by `***`; nil when there is none.
    static func maskedQuery(_ query: String?) -> String? {
        guard let query, !query.isEmpty else { return nil }
        return query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let lowered = (name.removingPercentEncoding ?? name).lowercased()
            guard parts.count == 2, secretNames.contains(where: { lowered.contains($0) }) else { return String(pair) }
            return "\(name)=***"
        }.joined(separator: "&")
    }
}
