/// An HTTP request to send: plain Swift values, no C types.
public struct OutgoingRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whole-transfer timeout in seconds.
    public var timeoutSeconds: Int
    /// PEM files of a TLS client certificate and its key, when the upstream asks for one.
    public var clientCertificate: String?
    public var clientKey: String?
    /// PEM bundle of CAs to trust for the server's certificate; nil for the system's.
    public var trustedCAs: String?
    /// The largest response body taken: a longer one stops the transfer with a
    /// ``TransportError`` (`CURLE_FILESIZE_EXCEEDED`), so a broken or hostile server cannot fill
    /// the hub's memory.
    public var maxResponseBytes: Int

    /// Enough for any upstream's answer; CRLs and platforms' pages set their own.
    public static let defaultMaxResponseBytes = 16 << 20

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeoutSeconds: Int = 30,
                clientCertificate: String? = nil, clientKey: String? = nil, trustedCAs: String? = nil,
                maxResponseBytes: Int = OutgoingRequest.defaultMaxResponseBytes) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.trustedCAs = trustedCAs
        self.maxResponseBytes = maxResponseBytes
    }
}

/// An HTTP response as received.
public struct ReceivedResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A transfer that did not produce an HTTP response: connection refused, timeout, bad URL.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// libcurl's result code (`CURLE_*`).
    public var curlCode: Int
    /// libcurl's own message for this transfer.
    public var message: String

    public var description: String { "transport error \(curlCode): \(message)" }

    /// libcurl's code for a response larger than the request's `maxResponseBytes`.
    public static let responseTooLarge = 63

}
