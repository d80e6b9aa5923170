import Foundation

/// A signing certificate registered for a platform: the hub verified it when it was added, and
/// verifies it again at every request it signs.
///
/// Removed registrations are kept (with who removed them and when) so the audit trail can always
/// say which certificate a past request was signed with.
public struct PlatformCertificate: Codable, Sendable, Hashable {
    /// The store's row number.
    public var id: Int64
    /// The platform it signs for.
    public var platform: PlatformID
    /// SHA-256 of the DER, lower-case hex: what `X-Shuniu-Certificate` names.
    public var fingerprint: String
    /// The certificate, DER.
    public var der: [UInt8]
    /// Chain certificates the operator supplied (DER each), for CAs whose intermediates are not
    /// in the trust list.
    public var chain: [[UInt8]]
    /// The recognized CA's id (its folder under `Certs/`).
    public var ca: String
    /// The subject on one line.
    public var subject: String
    /// The serial number, upper-case hex.
    public var serial: String
    /// The holder's code as the CA encodes it: the operator's 统一社会信用代码 (or 组织机构代码).
    public var identityCode: String
    /// `creditCode` or `organizationCode`.
    public var identityCodeType: String
    /// The end of its validity period.
    public var notAfter: Date
    /// The operator who registered it, and when.
    public var addedBy: String
    public var addedAt: Date
    /// The operator who removed it, when and why; nil while it is in force.
    public var removedBy: String?
    public var removedAt: Date?
    public var removedReason: String?

    /// A registration; `id` is assigned by the store.
    public init(
        id: Int64 = 0, platform: PlatformID, fingerprint: String, der: [UInt8], chain: [[UInt8]], ca: String, subject: String, serial: String,
        identityCode: String, identityCodeType: String, notAfter: Date, addedBy: String, addedAt: Date,
        removedBy: String? = nil, removedAt: Date? = nil, removedReason: String? = nil
    ) {
        self.id = id
        self.platform = platform
        self.fingerprint = fingerprint
        self.der = der
        self.chain = chain
        self.ca = ca
        self.subject = subject
        self.serial = serial
        self.identityCode = identityCode
        self.identityCodeType = identityCodeType
        self.notAfter = notAfter
        self.addedBy = addedBy
        self.addedAt = addedAt
        self.removedBy = removedBy
        self.removedAt = removedAt
        self.removedReason = removedReason
    }

    /// True until an operator removes it.
    public var isActive: Bool { removedAt == nil }
}
