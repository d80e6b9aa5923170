import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShuniuAuth
import ShuniuSharing

extension HubAPI {
    /// A dispute's body is a field code and a reason.
    static let disputeBodyLimit = 16 * 1024

    /// The pull side: the feed, a record's latest version and its versions, and disputes.
    func addReadRoutes(to router: Router<HubRequestContext>) {
        router.get(RouterPath(HubAPI.feedPath)) { request, context in
            await answer(request, context: context) { reads, signed in
                let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
                return try await reads.feed(signed, query: query)
            }
        }
        router.get("/api/v1/records/:dataset/:key") { request, context in
            await answer(request, context: context) { reads, signed in
                let (dataset, key) = try recordParameters(context)
                return try await reads.latest(signed, dataset: dataset, key: key)
            }
        }
        router.get("/api/v1/records/:dataset/:key/versions") { request, context in
            await answer(request, context: context) { reads, signed in
                let (dataset, key) = try recordParameters(context)
                return try await reads.versions(signed, dataset: dataset, key: key)
            }
        }
        router.post("/api/v1/records/:dataset/:key/disputes") { request, context in
            let body = request.body
            let bytes: [UInt8]
            do {
                bytes = Array(try await body.collect(upTo: HubAPI.disputeBodyLimit).readableBytesView)
            } catch {
                return jsonText(ErrorBody(code: "request.body_too_large", message: "a dispute is at most \(HubAPI.disputeBodyLimit) bytes"), status: .contentTooLarge)
            }
            return await answer(request, context: context, body: bytes, success: .created) { reads, signed in
                let (dataset, key) = try recordParameters(context)
                return try await reads.openDispute(signed, dataset: dataset, key: key)
            }
        }
    }

    /// Runs a read and answers its JSON, or the refusal with its status (and `Retry-After`).
    private func answer(
        _ request: Request, context: HubRequestContext, body: [UInt8] = [], success: HTTPResponse.Status = .ok,
        _ read: (ReadService, SignedRequest) async throws -> String
    ) async -> Response {
        guard let reads else {
            return jsonText(ErrorBody(code: "service.unavailable", message: "this hub serves no reads"), status: .serviceUnavailable)
        }
        var signed = SignedRequest(request, context: context)
        signed.body = body
        do {
            let json = try await read(reads, signed)
            return Response(status: success, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
        } catch let refusal as ReadRefusal {
            let answered = refusal.answered
            var response = jsonText(ErrorBody(code: answered.code.rawValue, message: answered.message), status: HTTPStatusMapping.status(for: answered.code))
            if let seconds = refusal.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        } catch {
            if let fault = StoreFaultResponse.response(for: error) { return fault }
            context.logger.error("read failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return jsonText(ErrorBody(code: "service.error", message: "the read failed inside the hub; its operators can see why in the log"), status: .internalServerError)
        }
    }

    private func recordParameters(_ context: HubRequestContext) throws(ReadRefusal) -> (String, String) {
        guard let dataset = context.parameters.get("dataset"), let raw = context.parameters.get("key"),
              let key = raw.removingPercentEncoding else {
            throw ReadRefusal(.badQuery, "the path is /api/v1/records/{dataset}/{key}, the key percent-encoded")
        }
        return (dataset, key)
    }
}

/// `json(_:status:)` for bodies that cannot fail to encode.
func jsonText(_ body: ErrorBody, status: HTTPResponse.Status) -> Response {
    (try? json(body, status: status)) ?? Response(status: status)
}
