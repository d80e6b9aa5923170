import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ShuniuAuth
import ShuniuCore
import ShuniuIngest
import ShuniuSharing
import ShuniuTrust

/// The hub's HTTP routes: health, readiness, ingest, the pull side (feed, records, disputes) and
/// certificate verification.
public struct HubAPI: Sendable {
    let ingest: IngestService
    /// Consumers' reads; nil serves none (503).
    let reads: ReadService?
    let store: any StoreReadiness
    /// The trust list and CRLs in force, for the public verify service.
    let trust: TrustState?
    /// The Prometheus text exposition of the hub's metrics.
    let metricsText: @Sendable () async -> [UInt8]

    public init(
        ingest: IngestService, store: any StoreReadiness, reads: ReadService? = nil, trust: TrustState? = nil,
        metricsText: @escaping @Sendable () async -> [UInt8] = { [] }
    ) {
        self.ingest = ingest
        self.reads = reads
        self.store = store
        self.trust = trust
        self.metricsText = metricsText
    }

    public static let recordsPath = "/api/v1/records"
    public static let verifyPath = "/api/v1/certificates/verify"
    public static let openAPIPath = "/api/v1/openapi.json"
    public static let feedPath = "/api/v1/feed"
    /// A certificate, its chain and a signed document fit well within this.
    static let verifyBodyLimit = 4 * 1024 * 1024

    /// The routes; with `accessLog`, each request is logged there once answered (``AccessLogMiddleware``).
    /// `X-Forwarded-For` names the client only when the peer is one of `trustedProxies`.
    public func router(accessLog: Logger? = nil, trustedProxies: TrustedProxies = TrustedProxies()) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        // Before the routes: a middleware wraps only the routes added after it.
        if !trustedProxies.isEmpty { router.add(middleware: ClientAddressMiddleware(trustedProxies: trustedProxies)) }
        if let accessLog { router.add(middleware: AccessLogMiddleware(logger: accessLog)) }
        router.get("/healthz") { _, _ in
            try json(["status": "ok"], status: .ok)
        }
        router.get("/readyz") { _, _ in
            let engine = store.engineName
            if await store.isReady() { return try json(["status": "ready", "store": engine], status: .ok) }
            switch store.writeState {
            case .full(let reason): return try json(["status": "store full", "store": engine, "reason": reason], status: .serviceUnavailable)
            case .unavailable(let reason): return try json(["status": "store unavailable", "store": engine, "reason": reason], status: .serviceUnavailable)
            case .writable: return try json(["status": "store unavailable", "store": engine], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: await metricsText()))
            )
        }
        router.post(RouterPath(HubAPI.recordsPath)) { request, context in
            try await postRecords(request, context: context)
        }
        router.post(RouterPath(HubAPI.verifyPath)) { request, _ in
            try await verifyCertificate(request)
        }
        addReadRoutes(to: router)
        router.get(RouterPath(HubAPI.openAPIPath)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
            )
        }
        return router
    }

    private func postRecords(_ request: Request, context: HubRequestContext) async throws -> Response {
        var signed = SignedRequest(request, context: context)
        do {
            // An address refused too often is turned away before its body is read.
            try ingest.turnAwayIfRefusedTooOften(signed)
            let body = request.body
            let buffer: ByteBuffer
            do {
                buffer = try await body.collect(upTo: ingest.bodyLimit)
            } catch is NIOTooManyBytesError {
                let refusal = IngestRefusal(.bodyTooLarge, "the body is larger than \(ingest.bodyLimit) bytes")
                try await ingest.recordRefusal(refusal, request: signed)
                throw refusal
            }
            signed.body = Array(buffer.readableBytesView)
            let response = try await ingest.ingest(signed)
            return try json(response, status: HTTPStatusMapping.status(for: response))
        } catch let refusal as IngestRefusal {
            let answered = refusal.answered
            var response = try json(ErrorBody(code: answered.code.rawValue, message: answered.message), status: HTTPStatusMapping.status(for: answered.code))
            if let seconds = refusal.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        } catch {
            if let fault = StoreFaultResponse.response(for: error) { return fault }
            context.logger.error("ingest failed", metadata: ["error": "\(error)"])
            return jsonText(ErrorBody(code: "service.error", message: "the push failed inside the hub; nothing was stored; its operators can see why in the log"), status: .internalServerError)
        }
    }
}

extension HubAPI {
    /// The public verify service: anyone may ask whether a certificate (and a signature made with
    /// it) is recognized; nothing is stored.
    private func verifyCertificate(_ request: Request) async throws -> Response {
        guard let trust else {
            return try json(ErrorBody(code: "service.unavailable", message: "certificate verification is not configured"), status: .serviceUnavailable)
        }
        let body = request.body
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: HubAPI.verifyBodyLimit)
        } catch is NIOTooManyBytesError {
            return try json(ErrorBody(code: "request.body_too_large", message: "at most \(HubAPI.verifyBodyLimit) bytes"), status: .contentTooLarge)
        }
        let check: CertificateCheck
        do {
            // Read strictly first (UTF-8, no repeated member, shallow): the decoder then sees only a sound document.
            let bytes = Array(buffer.readableBytesView)
            _ = try JSONReader(maxDepth: 3).read(bytes)
            check = try JSONDecoder().decode(CertificateCheck.self, from: Data(bytes))
        } catch {
            return try json(ErrorBody(code: "request.malformed_json", message: "expected {\"certificate\": PEM or base64 DER, \"chain\"?: […], \"data\"?: base64, \"signature\"?: base64, \"at\"?: time}"), status: .badRequest)
        }
        let verification = trust.verification
        // SM2 verification costs ~0.4 ms a signature: off the cooperative pool.
        let outcome: Result<CertificateVerdict, CertificateCheck.Invalid> = try await NIOThreadPool.singleton.runIfActive {
            Result { () throws(CertificateCheck.Invalid) in try check.run(with: verification) }
        }
        switch outcome {
        case .success(let verdict): return try json(verdict, status: .ok)
        case .failure(let invalid): return try json(ErrorBody(code: "request.invalid_certificate_check", message: invalid.description), status: .badRequest)
        }
    }
}

/// A JSON response with sorted keys and ISO 8601 dates.
func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    return Response(
        status: status,
        headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: data))
    )
}
