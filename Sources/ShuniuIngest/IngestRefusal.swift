import ShuniuAuth
import ShuniuCore

/// Why a whole ingest request was refused before any record was looked at. Nothing is stored;
/// the refusal is audited (all but a rate limit's: a flood must not flood the audit log too). The API maps each code to its HTTP status.
public struct IngestRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes, documented in the README; new ones are added, never renamed.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The ingest code of an authentication code.
        public init(_ code: AuthRefusal.Code) { self.rawValue = code.rawValue }

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
        // The authentication codes are ``AuthRefusal``'s, under the same names.
        public static let missingCredentials = Code(AuthRefusal.Code.missingCredentials)
        public static let headerTooLong = Code(AuthRefusal.Code.headerTooLong)
        public static let unsupportedSignatureMethod = Code(AuthRefusal.Code.unsupportedSignatureMethod)
        public static let unknownAppKey = Code(AuthRefusal.Code.unknownAppKey)
        public static let badSignature = Code(AuthRefusal.Code.badSignature)
        public static let timestampOutOfWindow = Code(AuthRefusal.Code.timestampOutOfWindow)
        public static let nonceReused = Code(AuthRefusal.Code.nonceReused)
        public static let unknownCertificate = Code(AuthRefusal.Code.unknownCertificate)
        public static let certificateRevoked = Code(AuthRefusal.Code.certificateRevoked)
        public static let certificateExpired = Code(AuthRefusal.Code.certificateExpired)
        public static let certificateInvalid = Code(AuthRefusal.Code.certificateInvalid)
        public static let certificateHolderMismatch = Code(AuthRefusal.Code.certificateHolderMismatch)
        public static let platformSuspended = Code(rawValue: "platform.suspended")
        public static let certificationExpired = Code(rawValue: "platform.certification_expired")
        /// A pull connector names a platform that is not registered (never answered over HTTP).
        public static let platformNotRegistered = Code(rawValue: "platform.not_registered")
        /// The caller's address was refused too often this minute: turned away unread, 429 with `Retry-After`.
        public static let tooManyRefusals = Code(rawValue: RefusalTally.turnedAwayCode)
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

    /// An authentication refusal, under its own code; `platform` once the caller proved who it is.
    public init(_ refusal: AuthRefusal, platform: PlatformID? = nil) {
        self.init(Code(refusal.code), refusal.message, platform: platform)
    }

    /// The refusal as the caller is told it: an unknown app key or certificate answers exactly as
    /// a bad signature (``AuthRefusal/answered``); the audit log keeps the refusal itself.
    public var answered: IngestRefusal {
        let auth = AuthRefusal.Code(rawValue: code.rawValue)
        guard AuthRefusal.Code.answeredAsBadSignature.contains(auth) else { return self }
        return IngestRefusal(AuthRefusal(auth, message).answered, platform: platform)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
