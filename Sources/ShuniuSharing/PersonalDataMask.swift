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

    public init(spec: DataSpec) {
        var fields: [DatasetID: Set<String>] = [:]
        for (id, dataset) in spec.datasets {
            let personal = dataset.fields.filter { $0.personal || $0.type == .residentID }.map(\.code)
            if !personal.isEmpty { fields[id] = Set(personal) }
        }
        self.fields = fields
    }

    /// The payload (canonical JSON) with the dataset's personal fields masked, and their codes;
    /// nil when nothing needed masking.
    public func mask(_ payload: String, of dataset: DatasetID) -> (payload: String, masked: [String])? {
        guard let personal = fields[dataset], let data = try? JSONDecoder().decode(JSONValue.self, from: Data(payload.utf8)), case .object(var values) = data else { return nil }
        var masked: [String] = []
        for code in personal.sorted() {
            guard case .string(let text)? = values[code], !text.isEmpty else { continue }
            values[code] = .string(Self.mask(text))
            masked.append(code)
        }
        return masked.isEmpty ? nil : (JSONValue.object(values).canonicalText, masked)
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
