import Foundation

/// Who holds a certificate, in one normalized form whichever CA encoded it and however:
/// an organization by its 统一社会信用代码 (or 组织机构代码), a person by ID number.
public struct HolderIdentity: Codable, Sendable, Hashable {
    public var kind: IdentityRule.Kind
    public var code: String
    public var codeType: IdentityRule.CodeType
    /// The holder's name: the subject's O for an organization when present, else its CN.
    public var name: String
    /// The recognized CA's id (its folder under `Certs/`).
    public var ca: String
    public var serial: String
    public var notBefore: Date
    public var notAfter: Date
}
