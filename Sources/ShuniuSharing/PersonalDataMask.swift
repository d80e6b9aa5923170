import Foundation
import ShuniuCore
import ShuniuSpec

/// Masks a record's personal fields for a reader without a grant covering them: the fields the
/// spec flags `personal` and every resident ID number (居民身份证号码). A masked value keeps its
/// length and a few characters, enough to tell records apart, not to identify a person:
/// `420102********1234` → `420***********1234`, `13800001111` → `138****1111`, `张三` → `张*`.
public struct PersonalDataMask: Sendable {
    /// Field codes to mask, per dataset.
    let fields: [DatasetID: Set<String>]
    /// Per dataset whose business key holds a personal field: which of the key's parts are personal.
    let keyParts: [DatasetID: [Bool]]

    public init(spec: DataSpec) {
        var fields: [DatasetID: Set<String>] = [:]
        var keyParts: [DatasetID: [Bool]] = [:]
        for (id, dataset) in spec.datasets {
            let personal = Set(dataset.fields.filter { $0.personal || $0.type == .residentID }.map(\.code))
            guard !personal.isEmpty else { continue }
            fields[id] = personal
            let parts = dataset.key.map(personal.contains)
            if parts.contains(true) { keyParts[id] = parts }
        }
        self.fields = fields
        self.keyParts = keyParts
    }

    /// The business key with its personal parts masked (3103's key holds the 被执行人's ID number);
    /// nil when the dataset's key holds none.
    public func maskKey(_ key: String, of dataset: DatasetID) -> String? {
        guard let personal = keyParts[dataset] else { return nil }
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == personal.count else { return String(repeating: "*", count: key.count) }
        return zip(parts, personal).map { part, isPersonal in isPersonal && !part.isEmpty ? Self.mask(part) : part }.joined(separator: "|")
    }

    /// The payload (canonical JSON) with the dataset's personal fields masked, and their codes;
    /// nil when nothing needed masking.
    public func mask(_ payload: String, of dataset: DatasetID) -> (payload: String, masked: [String])? {
        guard let personal = fields[dataset] else { return nil }
        let result = Self.maskInPlace(payload, personal.sorted()) ?? Self.maskByParsing(payload, personal.sorted())
        return result.masked.isEmpty ? nil : result
    }

    /// The fast way, for the common case: in canonical JSON an unescaped `"` only ever delimits
    /// a string, so `{"CODE":"` or `,"CODE":"` is that field's key, and a value without escapes
    /// ends at the next `"`. Nil when a value has escapes: those are left to the slow way.
    static func maskInPlace(_ payload: String, _ codes: [String]) -> (payload: String, masked: [String])? {
        var bytes = Array(payload.utf8)
        var masked: [String] = []
        for code in codes {
            let key = Array("\"\(code)\":\"".utf8)
            guard let keyStart = Self.firstIndex(of: key, in: bytes) else { continue }
            guard keyStart > 0, bytes[keyStart - 1] == UInt8(ascii: "{") || bytes[keyStart - 1] == UInt8(ascii: ",") else { return nil }
            let valueStart = keyStart + key.count
            guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let value = bytes[valueStart..<valueEnd]
            if value.contains(UInt8(ascii: "\\")) { return nil }
            if value.isEmpty { continue }
            bytes.replaceSubrange(valueStart..<valueEnd, with: Array(mask(String(decoding: value, as: UTF8.self)).utf8))
            masked.append(code)
        }
        return masked.isEmpty ? (payload, []) : (String(decoding: bytes, as: UTF8.self), masked)
    }

    /// A plain byte search: the standard library's generic `firstRange(of:)` costs tens of
    /// microseconds a record here, more than all the rest of masking.
    static func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = 0
        let last = bytes.count - pattern.count
        while index <= last {
            if bytes[index] == first {
                var matched = 1
                while matched < pattern.count && bytes[index + matched] == pattern[matched] { matched += 1 }
                if matched == pattern.count { return index }
            }
            index += 1
        }
        return nil
    }

    static func maskByParsing(_ payload: String, _ codes: [String]) -> (payload: String, masked: [String]) {
        guard let data = try? JSONDecoder().decode(JSONValue.self, from: Data(payload.utf8)), case .object(var values) = data else { return (payload, []) }
        var masked: [String] = []
        for code in codes {
            guard case .string(let text)? = values[code], !text.isEmpty else { continue }
            values[code] = .string(mask(text))
            masked.append(code)
        }
        return (JSONValue.object(values).canonicalText, masked)
    }

    /// Keeps the first and last few characters of a value, stars in between.
    static func mask(_ text: String) -> String {
        let characters = Array(text)
        switch characters.count {
        case 0...1: return "*"
        case 2...6: return String(characters[0]) + String(repeating: "*", count: characters.count - 1)
        default: return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
        }
    }
}
