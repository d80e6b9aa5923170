/// Why a signed request's credentials were refused, whoever sent it (a platform pushing, a
/// consumer reading). Ingest and reads wrap it in their own refusals under the same codes; the
/// API maps each code to its HTTP status.
public struct AuthRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes, documented in the README; new ones are added, never renamed.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let missingCredentials = Code(rawValue: "auth.missing_credentials")
        /// A signature header is longer than its bound (``SignedRequest/maxLengths``).
        public static let headerTooLong = Code(rawValue: "auth.header_too_long")
        public static let unsupportedSignatureMethod = Code(rawValue: "auth.unsupported_signature_method")
        /// Audited as such; answered as ``badSignature`` (see ``AuthRefusal/answered``).
        public static let unknownAppKey = Code(rawValue: "auth.unknown_app_key")
        public static let badSignature = Code(rawValue: "auth.bad_signature")
        public static let timestampOutOfWindow = Code(rawValue: "auth.timestamp_out_of_window")
        public static let nonceReused = Code(rawValue: "auth.nonce_reused")
        /// `X-Shuniu-Certificate` names no certificate in force (never registered, or removed).
        /// Audited as such; answered as ``badSignature``.
        public static let unknownCertificate = Code(rawValue: "auth.unknown_certificate")
        /// The registered certificate is on its CA's CRL.
        public static let certificateRevoked = Code(rawValue: "auth.certificate_revoked")
        /// The registered certificate's validity period has ended.
        public static let certificateExpired = Code(rawValue: "auth.certificate_expired")
        /// The registered certificate fails verification otherwise: its CA no longer recognized,
        /// no current CRL, a broken chain… (every reason is in the message).
        public static let certificateInvalid = Code(rawValue: "auth.certificate_invalid")
        /// The certificate is sound but its holder is not (any more) the platform's operator.
        public static let certificateHolderMismatch = Code(rawValue: "auth.certificate_holder_mismatch")

        /// Codes a caller is told only as ``badSignature``, with ``AuthRefusal/badSignatureAnswer``,
        /// so that nobody can learn which app keys or certificates the hub knows.
        public static let answeredAsBadSignature: Set<Code> = [.unknownAppKey, .unknownCertificate, .badSignature]
    }

    public var code: Code
    /// For the hub's operators (audit log): may name the key or certificate presented.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The one answer to an unknown app key, an unknown certificate and a bad signature alike.
    public static let badSignatureAnswer = "the signature does not verify with the credential presented; sign METHOD, the request target (path, with ?query when there is one, exactly as sent), timestamp, nonce and the body's hex digest, one per line, with the app secret (hex HMAC) or the registered certificate's key (base64)"

    /// The refusal as the caller is told it: ``Code/answeredAsBadSignature`` codes become one
    /// and the same bad-signature answer; the others are told as they are.
    public var answered: AuthRefusal {
        Code.answeredAsBadSignature.contains(code) ? AuthRefusal(.badSignature, Self.badSignatureAnswer) : self
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
