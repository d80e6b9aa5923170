/// Why a CRL fetch was refused: the text kept as a URL's `lastError` and printed by
/// `shuniu certs crl refresh`.
public struct CRLFetchError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong; extensible, compared by its text.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// No HTTP response: refused, timed out, name not found (curl's own words in the message).
        public static let transport = Code(rawValue: "crl.transport")
        /// A response other than 200.
        public static let httpStatus = Code(rawValue: "crl.http_status")
        /// The body is not a PEM or DER CRL.
        public static let malformed = Code(rawValue: "crl.malformed")
        /// The CRL is not signed by a certificate of the CA the URL belongs to.
        public static let wrongSigner = Code(rawValue: "crl.wrong_signer")
        /// Older than the CRL already cached for the URL: a replayed or rolled-back file.
        public static let older = Code(rawValue: "crl.older")
        /// The cache folder could not be written.
        public static let cache = Code(rawValue: "crl.cache")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Errors compare equal on their code.
    public static func == (lhs: CRLFetchError, rhs: CRLFetchError) -> Bool {
        lhs.code == rhs.code
    }
}
