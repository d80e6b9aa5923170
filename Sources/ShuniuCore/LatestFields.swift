import Foundation

/// The latest normalized fields of one stored record.
public struct LatestFields: Sendable, Hashable {
    public var businessKey: String
    public var platform: String
    public var fields: [String: String]

    public init(businessKey: String, platform: String, fields: [String: String]) {
        self.businessKey = businessKey
        self.platform = platform
        self.fields = fields
    }

    /// Fields of a normalized payload (a JSON object of strings); empty when it is not one.
    public static func decode(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
