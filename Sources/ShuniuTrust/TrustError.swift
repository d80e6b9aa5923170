/// An error of the trust module: a stable code, a message, and OpenSSL's own words when it has any.
public struct TrustError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong; extensible, compared by its text.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Bytes that are not a PEM or DER X.509 certificate.
        public static let malformedCertificate = Code(rawValue: "trust.malformed_certificate")
        /// Bytes that are not an unencrypted PKCS#8 private key.
        public static let malformedKey = Code(rawValue: "trust.malformed_key")
        /// Bytes that are not a PEM or DER X.509 CRL.
        public static let malformedCRL = Code(rawValue: "trust.malformed_crl")
        /// Bytes that are not a PEM or DER CMS / PKCS#7 SignedData.
        public static let malformedSignedData = Code(rawValue: "trust.malformed_signed_data")
        /// A signature scheme that does not fit the key, or a key the module cannot use.
        public static let unsupportedAlgorithm = Code(rawValue: "trust.unsupported_algorithm")
        /// A signature that does not verify.
        public static let signatureInvalid = Code(rawValue: "trust.signature_invalid")
        /// OpenSSL failed for a reason that is not the input's fault (memory, missing algorithm).
        public static let internalFailure = Code(rawValue: "trust.internal_failure")
        /// OpenSSL's legacy provider (DES, for the one receiver that asks for it) cannot be loaded.
        public static let legacyProviderUnavailable = Code(rawValue: "trust.legacy_provider_unavailable")
        /// A cipher key or IV of the wrong length.
        public static let badCipherParameter = Code(rawValue: "trust.bad_cipher_parameter")
        /// Ciphertext that does not decrypt under the key (wrong key, wrong length, bad padding).
        public static let decryptionFailed = Code(rawValue: "trust.decryption_failed")
        /// A receiver token that is not Base64, does not decrypt, or does not hold a system and a time.
        public static let malformedToken = Code(rawValue: "trust.malformed_token")
    }

    /// What went wrong.
    public var code: Code
    /// For people: which input, and why.
    public var message: String
    /// OpenSSL's error queue at the time of failure, when it said anything.
    public var openSSLDetail: String?

    /// An error with `code` and `message`, and OpenSSL's words when there are any.
    public init(_ code: Code, _ message: String, openSSLDetail: String? = nil) {
        self.code = code
        self.message = message
        self.openSSLDetail = openSSLDetail
    }

    /// An error carrying whatever OpenSSL queued on this thread (the queue is emptied).
    static func fromOpenSSL(_ code: Code, _ message: String) -> TrustError {
        TrustError(code, message, openSSLDetail: OpenSSLErrorQueue.drainIfAny())
    }

    public var description: String {
        if let openSSLDetail { return "\(message) (OpenSSL: \(openSSLDetail))" }
        return message
    }

    /// Errors compare equal on their code, so tests and callers can match on what went wrong.
    public static func == (lhs: TrustError, rhs: TrustError) -> Bool {
        lhs.code == rhs.code
    }
}
