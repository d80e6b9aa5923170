import Foundation
import ShuniuAuth
import ShuniuCore
import ShuniuTransport
import ShuniuTrust

/// A consumer's side of the pull API: signs and sends reads of the feed, records and versions,
/// and disputes. Used by the tests, the benchmark and the simulated superior hub, so all sign
/// exactly as the hub checks.
public struct ConsumerClient: Sendable {
    /// The hub, e.g. `http://127.0.0.1:8480`.
    public var baseURL: String
    public var signing: IngestClient.Signing
    let http = CurlHTTPClient()
    /// A page of 1,000 large versions stays well under this.
    static let maxPageBytes = 256 << 20

    /// A client signing with HMAC under the consumer's app key and secret.
    public init(baseURL: String, appKey: String, secret: String, method: SignatureMethod = .hmacSHA256) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signing = .hmac(PlatformCredential(appKey: appKey, secret: secret), method)
    }

    /// A client signing with the consumer's registered certificate and its key.
    public init(baseURL: String, signing: IngestClient.Signing) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signing = signing
    }

    /// One feed page: `GET /api/v1/feed?after=…` with the other parameters as given.
    public func feed(after cursor: String = "0", datasets: [String]? = nil, region: String? = nil, platform: String? = nil,
                     limit: Int? = nil, waitSeconds: Int? = nil, timeoutSeconds: Int = 60) async throws -> ReceivedResponse {
        var query = ["after=\(cursor)"]
        if let datasets { query.append("datasets=\(datasets.joined(separator: ","))") }
        if let region { query.append("region=\(region)") }
        if let platform { query.append("platform=\(platform)") }
        if let limit { query.append("limit=\(limit)") }
        if let waitSeconds { query.append("wait=\(waitSeconds)s") }
        return try await get("/api/v1/feed?" + query.joined(separator: "&"), timeoutSeconds: timeoutSeconds)
    }

    /// `GET /api/v1/records/{dataset}/{key}`, or its `/versions`.
    public func record(dataset: String, key: String, versions: Bool = false) async throws -> ReceivedResponse {
        try await get(Self.recordPath(dataset: dataset, key: key) + (versions ? "/versions" : ""))
    }

    /// `POST /api/v1/records/{dataset}/{key}/disputes`.
    public func dispute(dataset: String, key: String, field: String, reason: String) async throws -> ReceivedResponse {
        let body = Array(JSONValue.object(["field": .string(field), "reason": .string(reason)]).canonicalText.utf8)
        return try await send("POST", Self.recordPath(dataset: dataset, key: key) + "/disputes", body: body)
    }

    /// Signs and sends `GET target` (path and query, exactly as sent).
    public func get(_ target: String, timeoutSeconds: Int = 30, nonce: String = UUID().uuidString) async throws -> ReceivedResponse {
        try await send("GET", target, body: [], timeoutSeconds: timeoutSeconds, nonce: nonce)
    }

    func send(_ method: String, _ target: String, body: [UInt8], timeoutSeconds: Int = 30, nonce: String = UUID().uuidString) async throws -> ReceivedResponse {
        let headers = [("Content-Type", "application/json")] + (try RequestSigning(signing).headers(method: method, url: target, body: body, nonce: nonce))
        return try await http.send(OutgoingRequest(method: method, url: baseURL + target, headers: headers, body: body, timeoutSeconds: timeoutSeconds,
                                                     maxResponseBytes: ConsumerClient.maxPageBytes))
    }

    /// The record's path, its key percent-encoded (a composite key's `|` becomes `%7C`).
    public static func recordPath(dataset: String, key: String) -> String {
        // RFC 3986 unreserved characters only: Chinese and `|` are percent-encoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return "/api/v1/records/\(dataset)/" + (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)
    }
}
