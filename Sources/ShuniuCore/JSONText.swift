import Foundation

/// Small JSON texts for audit details, with sorted keys so equal facts give equal text.
public enum JSONText {
    public static func object(_ fields: [String: String]) -> String {
        encode(fields)
    }

    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
