import Foundation

/// A real code that fails its check character, allowed by an operator.
public struct AllowedCode: Codable, Sendable, Hashable {
    public var code: String
    /// `creditCode` or `organizationCode`.
    public var kind: String
    public var reason: String
    public var addedBy: String
    public var addedAt: Date

    /// A value with every field given (an engine reading its rows).
    public init(code: String, kind: String, reason: String, addedBy: String, addedAt: Date) {
        self.code = code
        self.kind = kind
        self.reason = reason
        self.addedBy = addedBy
        self.addedAt = addedAt
    }
}
