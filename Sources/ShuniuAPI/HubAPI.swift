import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShuniuCore
import ShuniuIngest
import ShuniuStore

/// The hub's HTTP routes: health, readiness and ingest.
public struct HubAPI: Sendable {
    let ingest: IngestService
    let store: HubStore
    /// The Prometheus text exposition of the hub's metrics.
    let metricsText: @Sendable () -> [UInt8]

    public init(ingest: IngestService, store: HubStore, metricsText: @escaping @Sendable () -> [UInt8] = { [] }) {
        self.ingest = ingest
        self.store = store
        self.metricsText = metricsText
    }

    public static let recordsPath = "/api/v1/records"

    public func router() -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.get("/healthz") { _, _ in
            try json(["status": "ok"], status: .ok)
        }
        router.get("/readyz") { _, _ in
            await store.isReady()
                ? try json(["status": "ready"], status: .ok)
                : try json(["status": "store unavailable"], status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metricsText()))
            )
        }
        router.post(RouterPath(HubAPI.recordsPath)) { request, context in
            try await postRecords(request, context: context)
        }
        return router
    }

    private func postRecords(_ request: Request, context: HubRequestContext) async throws -> Response {
        let headers = request.headers
        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }
        }
        var signed = SignedRequest(
            method: request.method.rawValue, path: request.uri.path,
            appKey: header(SignatureHeader.appKey), timestamp: header(SignatureHeader.timestamp),
            nonce: header(SignatureHeader.nonce), signatureMethod: header(SignatureHeader.method),
            signature: header(SignatureHeader.signature), body: [], address: context.callerAddress
        )
        do {
            var body = request.body
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
            return try json(ErrorBody(code: refusal.code.rawValue, message: refusal.message), status: HTTPStatusMapping.status(for: refusal.code))
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
