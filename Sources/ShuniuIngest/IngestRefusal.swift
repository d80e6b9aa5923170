import ShuniuCore

/// Why a whole ingest request was refused before any record was looked at. Nothing is stored;
/// the refusal is audited (all but a rate limit's: a flood must not flood the audit log too). The API maps each code to its HTTP status.
public struct IngestRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes, documented in the README; new ones are added, never renamed.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let malformedJSON = Code(rawValue: "request.malformed_json")
        public static let invalidBatch = Code(rawValue: "request.invalid_batch")
        /// The body is not UTF-8 (UTF-16 with or without a byte-order mark, GBK sent as JSON, stray bytes).
        public static let notUTF8 = Code(rawValue: "request.not_utf8")
        /// A JSON object names one member twice: which value was meant cannot be known.
        public static let duplicateKey = Code(rawValue: "request.duplicate_key")
        /// Objects and arrays nest deeper than a batch (or the platform's mapping file) allows.
        public static let nestingTooDeep = Code(rawValue: "request.nesting_too_deep")
        /// The platform's own payload (JSON or XML, per its mapping file) cannot be read.
        public static let malformedPayload = Code(rawValue: "request.malformed_payload")
        /// The payload is readable but the platform's mapping makes no record of it.
        public static let nothingMapped = Code(rawValue: "request.nothing_mapped")
        /// The platform's mapping file has problems and no earlier version of it is in force.
        public static let mappingUnavailable = Code(rawValue: "platform.mapping_unavailable")
        public static let bodyTooLarge = Code(rawValue: "request.body_too_large")
        public static let tooManyRecords = Code(rawValue: "request.too_many_records")
        public static let missingCredentials = Code(rawValue: "auth.missing_credentials")
        public static let unsupportedSignatureMethod = Code(rawValue: "auth.unsupported_signature_method")
        public static let unknownAppKey = Code(rawValue: "auth.unknown_app_key")
        public static let badSignature = Code(rawValue: "auth.bad_signature")
        public static let timestampOutOfWindow = Code(rawValue: "auth.timestamp_out_of_window")
        public static let nonceReused = Code(rawValue: "auth.nonce_reused")
        /// `X-Shuniu-Certificate` names no certificate in force (never registered, or removed).
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
        public static let platformSuspended = Code(rawValue: "platform.suspended")
        public static let certificationExpired = Code(rawValue: "platform.certification_expired")
        /// A pull connector names a platform that is not registered (never answered over HTTP).
        public static let platformNotRegistered = Code(rawValue: "platform.not_registered")
        /// The caller's address was refused too often this minute: turned away unread, 429 with `Retry-After`.
        public static let tooManyRefusals = Code(rawValue: "request.too_many_refusals")
        /// The platform pushed more than its requests a minute: 429 with `Retry-After`.
        public static let rateLimited = Code(rawValue: "platform.rate_limited")
    }

    public var code: Code
    public var message: String
    /// The platform, once the caller proved who it is (suspended, expired, replayed).
    public var platform: PlatformID?
    /// For ``Code/rateLimited``: whole seconds until a push will be taken.
    public var retryAfterSeconds: Int?

    public init(_ code: Code, _ message: String, platform: PlatformID? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.platform = platform
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
