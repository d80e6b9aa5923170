/// A trading platform's identifier (交易平台标识码): 11 characters of `[0-9A-Z]`,
/// issued by 中国招标投标公共服务平台 — for example `E4201000001`.
public struct PlatformID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts exactly 11 characters of `0-9` and `A-Z`; nil otherwise.
    public init?(rawValue: String) {
        guard PlatformID.isWellFormed(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// True when `text` has the shape `[0-9A-Z]{11}`.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 11 && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = PlatformID(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a platform code: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: PlatformID, rhs: PlatformID) -> Bool { lhs.rawValue < rhs.rawValue }
}
