import Foundation

/// A registered reader of the hub: a superior hub (the provincial or national public service
/// platform), a supervision platform, the credit platform. It pulls the feed and reads records,
/// signing each request with HMAC under its secret or with its registered certificate.
///
/// The secret is not part of this type, so that showing a consumer never leaks it.
public struct Consumer: Codable, Sendable, Hashable {
    /// Short name used in grants, audit entries and the CLI, e.g. `national-hub`.
    public var id: String
    public var name: String
    public var status: ConsumerStatus
    /// The public half of the HMAC credential.
    public var appKey: String
    /// Requests allowed per minute; past it the hub answers 429 with `Retry-After`.
    public var requestsPerMinute: Int
    /// The registered signing certificate, when the consumer signs with one.
    public var certificate: ConsumerCertificate?
    public var createdAt: Date
    public var updatedAt: Date
    /// When it last had a read answered.
    public var lastReadAt: Date?

    public init(
        id: String, name: String, status: ConsumerStatus = .active, appKey: String, requestsPerMinute: Int,
        certificate: ConsumerCertificate? = nil, createdAt: Date, updatedAt: Date, lastReadAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.appKey = appKey
        self.requestsPerMinute = requestsPerMinute
        self.certificate = certificate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastReadAt = lastReadAt
    }

    /// Lower-case letters, digits and `-`, 2 to 64 characters, starting with a letter.
    public static func isWellFormedID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...64).contains(bytes.count), let first = bytes.first, (0x61...0x7A).contains(first) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// The namespace of the consumer's nonces, apart from every platform's.
    public var nonceNamespace: String { "consumer:" + id }
}

/// Whether a consumer may read.
public enum ConsumerStatus: String, Codable, Sendable {
    case active
    case suspended
}

/// A consumer's signing certificate, verified when registered and again at every request.
public struct ConsumerCertificate: Codable, Sendable, Hashable {
    /// SHA-256 of the DER, lower-case hex: what `X-Shuniu-Certificate` names.
    public var fingerprint: String
    public var der: [UInt8]
    /// Chain certificates the operator supplied (DER each).
    public var chain: [[UInt8]]
    /// The recognized CA's id.
    public var ca: String
    public var subject: String
    /// The holder's code as the CA encodes it.
    public var identityCode: String
    public var notAfter: Date

    public init(fingerprint: String, der: [UInt8], chain: [[UInt8]], ca: String, subject: String, identityCode: String, notAfter: Date) {
        self.fingerprint = fingerprint
        self.der = der
        self.chain = chain
        self.ca = ca
        self.subject = subject
        self.identityCode = identityCode
        self.notAfter = notAfter
    }
}
