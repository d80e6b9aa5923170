/// Why a connector's run failed: a stable code and a message, kept as the endpoint's last error.
/// Never carries a token or secret.
public struct ConnectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes; new ones are added, never renamed.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// No HTTP answer: connection refused, timeout, DNS, TLS.
        public static let transport = Code(rawValue: "connector.transport")
        /// The platform answered with a status other than 2xx.
        public static let httpStatus = Code(rawValue: "connector.http_status")
        /// The token or secret file cannot be read.
        public static let secretUnreadable = Code(rawValue: "connector.secret_unreadable")
        /// The URL built from the base URL, path and parameters is not valid.
        public static let badURL = Code(rawValue: "connector.bad_url")
    }

    public var code: Code
    public var message: String
    /// Seconds the platform asked to wait (`Retry-After`), when it did.
    public var retryAfter: Double?

    public init(_ code: Code, _ message: String, retryAfter: Double? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
