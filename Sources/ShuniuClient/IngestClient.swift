import Foundation
import ShuniuCore
import ShuniuTransport
import ShuniuTrust

/// A trading platform's side of `POST /api/v1/records`: signs a batch and sends it.
/// Used by `shuniu push`, the tests and the benchmark, so all sign exactly as the hub checks.
public struct IngestClient: Sendable {
    public var baseURL: String
    public var credential: PlatformCredential
    public var method: SignatureMethod
    let http = CurlHTTPClient()

    public init(baseURL: String, credential: PlatformCredential, method: SignatureMethod = .hmacSHA256) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credential = credential
        self.method = method
    }

    /// The headers that sign `body` for `path` at `timestamp` with `nonce`.
    public func signatureHeaders(path: String, body: [UInt8], timestamp: Date = Date(), nonce: String = UUID().uuidString) -> [(name: String, value: String)] {
        let signer = RequestSigner(method: method)
        let seconds = String(Int64(timestamp.timeIntervalSince1970))
        let canonical = CanonicalRequest(method: "POST", path: path, timestamp: seconds, nonce: nonce, bodyDigestHex: signer.bodyDigestHex(body))
        return [
            (SignatureHeader.appKey, credential.appKey),
            (SignatureHeader.timestamp, seconds),
            (SignatureHeader.nonce, nonce),
            (SignatureHeader.method, method.rawValue),
            (SignatureHeader.signature, signer.sign(canonical, secret: credential.secret)),
        ]
    }

    /// Signs and posts a batch body (`{"records": […]}`) to the hub.
    public func send(body: [UInt8], timestamp: Date = Date(), nonce: String = UUID().uuidString) async throws -> ReceivedResponse {
        let path = "/api/v1/records"
        let headers = [("Content-Type", "application/json")] + signatureHeaders(path: path, body: body, timestamp: timestamp, nonce: nonce)
        return try await http.send(OutgoingRequest(method: "POST", url: baseURL + path, headers: headers, body: body))
    }
}
