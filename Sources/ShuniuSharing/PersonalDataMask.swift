import Foundation
import ShuniuCore
import ShuniuSpec

/// Masks a record's personal fields for a reader without a grant covering them: the fields the
/// spec flags `personal`, every resident ID number (居民身份证号码) field, and — judged by the
/// value, not the field — every subject code (招标人代码, 投标人代码…) that holds a person's
/// identifier: one whose code-type field names a person's document (a code list entry marked
/// `personal`, such as 03 居民身份证号), or whose value reads as a resident ID number whatever its
/// type says. A masked value keeps its length and a few characters, enough to tell records
/// apart, not to identify a person: `420102********1234` → `420***********1234`,
/// `13800001111` → `138****1111`, `张三` → `张*`.
///
/// The same mask hides, from a reader whose grants do not open them to government use, the
/// fields the spec gives as 政务公开 (`disclosure: government`); and, from a reader without
/// personal data, the fields a record kept that its dataset does not define (`extra`) when their
/// name reads as a person's identifier or contact (``looksPersonal(_:)``) or their value as a
/// resident ID number.
public struct PersonalDataMask: Sendable {
    /// Field codes always masked, per dataset.
    let fields: [DatasetID: Set<String>]
    /// 政务公开 field codes, per dataset: masked for readers without a government grant.
    let governmentFields: [DatasetID: Set<String>]
    /// Subject-code fields masked when their value is a person's, per dataset.
    let subjectCodes: [DatasetID: [SubjectCode]]
    /// The business key's parts, per dataset whose key holds a personal or subject-code field.
    let keyParts: [DatasetID: [KeyPart]]

    /// A field that holds an organization's or a person's code, and the field that says which.
    struct SubjectCode: Sendable {
        var field: String
        var typeField: String?
        /// Codes of `typeField` that name a person's document.
        var personalTypes: Set<String>
    }

    enum KeyPart: Sendable {
        case plain
        case personal
        /// Masked when the value reads as a resident ID number.
        case subjectCode
        /// 政务公开: masked for readers without a government grant.
        case government
    }

    public init(spec: DataSpec) {
        var fields: [DatasetID: Set<String>] = [:]
        var subjectCodes: [DatasetID: [SubjectCode]] = [:]
        var keyParts: [DatasetID: [KeyPart]] = [:]
        var governmentFields: [DatasetID: Set<String>] = [:]
        for (id, dataset) in spec.datasets {
            let personal = Set(dataset.fields.filter { $0.personal || $0.type == .residentID }.map(\.code))
            if !personal.isEmpty { fields[id] = personal }
            let government = Set(dataset.fields.filter { $0.disclosure == .government }.map(\.code))
            if !government.isEmpty { governmentFields[id] = government }
            let typed = Dictionary(dataset.rules.filter { $0.rule == .subjectCode }.compactMap { rule in rule.field.map { ($0, rule.typeField) } },
                                   uniquingKeysWith: { first, _ in first })
            let codes = dataset.fields.filter { $0.type == .subjectCode && !personal.contains($0.code) }.map { field in
                let typeField = typed[field.code] ?? nil
                let list = typeField.flatMap { dataset.field($0)?.codeList }.flatMap { spec.codeLists[$0] }
                return SubjectCode(field: field.code, typeField: typeField, personalTypes: list?.personalCodes ?? [])
            }
            if !codes.isEmpty { subjectCodes[id] = codes }
            let parts: [KeyPart] = dataset.key.map { code in
                personal.contains(code) ? .personal : codes.contains { $0.field == code } ? .subjectCode : government.contains(code) ? .government : .plain
            }
            if parts.contains(where: { if case .plain = $0 { false } else { true } }) { keyParts[id] = parts }
        }
        self.fields = fields
        self.governmentFields = governmentFields
        self.subjectCodes = subjectCodes
        self.keyParts = keyParts
    }

    /// The business key with its personal parts masked (3103's key holds the 被执行人's ID number),
    /// and its 政务公开 parts when `government` is set; nil when nothing in it needed masking.
    public func maskKey(_ key: String, of dataset: DatasetID, personal: Bool = true, government: Bool = false) -> String? {
        guard let kinds = keyParts[dataset] else { return nil }
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == kinds.count else { return String(repeating: "*", count: key.count) }
        var changed = false
        let masked = zip(parts, kinds).map { part, kind -> String in
            switch kind {
            case .personal where personal && !part.isEmpty, .subjectCode where personal && Self.readsAsResidentID(part),
                 .government where government && !part.isEmpty:
                changed = true
                return Self.mask(part)
            default:
                return part
            }
        }
        return changed ? masked.joined(separator: "|") : nil
    }

    /// The payload (canonical JSON) with the dataset's personal fields masked (when `personal`)
    /// and its 政务公开 fields (when `government`), and their codes; nil when nothing needed masking.
    public func mask(_ payload: String, of dataset: DatasetID, personal: Bool = true, government: Bool = false) -> (payload: String, masked: [String])? {
        var codes = personal ? fields[dataset] ?? [] : []
        if government { codes.formUnion(governmentFields[dataset] ?? []) }
        if personal, let candidates = subjectCodes[dataset] {
            let bytes = Array(payload.utf8)
            for candidate in candidates where isPersonal(candidate, in: bytes, payload: payload) { codes.insert(candidate.field) }
        }
        guard !codes.isEmpty else { return nil }
        let result = Self.maskInPlace(payload, codes.sorted()) ?? Self.maskByParsing(payload, codes.sorted())
        return result.masked.isEmpty ? nil : result
    }

    /// A record's kept unknown fields (`extra`, canonical JSON) with those that look personal
    /// masked — by name (``looksPersonal(_:)``) or by a value that reads as a resident ID number —
    /// and their names; nil when none does.
    public func maskUnknownFields(_ extra: String) -> (payload: String, masked: [String])? {
        guard case .object(let values)? = try? JSONReader(maxDepth: 2).read(Array(extra.utf8)) else { return nil }
        let codes = values.compactMap { name, value -> String? in
            guard case .string(let text) = value else { return nil }
            return Self.looksPersonal(name) || Self.readsAsResidentID(text) ? name : nil
        }
        guard !codes.isEmpty else { return nil }
        let result = Self.maskByParsing(extra, codes.sorted())
        return result.masked.isEmpty ? nil : result
    }

    /// Words of a field name that say it holds a person's identifier or contact, as the spec's
    /// own personal fields are named (ID_CARD, CONTACT_INFORMATION, TENDERER_CONTACTOR, BANK_ACCOUNT…)
    /// and as platforms name theirs (MOBILE, PHONE, TEL, EMAIL, CERT_NO, SFZH…).
    static let personalNameWords: Set<String> = [
        "IDCARD", "IDNO", "IDNUMBER", "SFZ", "SFZH", "SFZHM", "PASSPORT", "CERTNO", "CERTNUM", "CERTIFICATENO",
        "PHONE", "MOBILE", "TEL", "TELEPHONE", "CELLPHONE", "FAX", "EMAIL", "MAIL", "LXDH", "SJHM",
        "CONTACT", "CONTACTOR", "CONTACTS", "LINKMAN", "CONTACTINFORMATION", "BANKACCOUNT", "ACCOUNTNO",
    ]

    /// Whether a field name reads as personal: one of ``personalNameWords`` is a word of it
    /// (split at underscores), or two neighbouring words make one (ID_CARD, CERT_NO, BANK_ACCOUNT),
    /// or the whole name without underscores is one (IDCARD, LinkMan). Case does not matter.
    public static func looksPersonal(_ name: String) -> Bool {
        let words = name.uppercased().split(separator: "_").map(String.init)
        if personalNameWords.contains(words.joined()) { return true }
        for (index, word) in words.enumerated() {
            if personalNameWords.contains(word) { return true }
            if index + 1 < words.count, personalNameWords.contains(word + words[index + 1]) { return true }
        }
        return false
    }

    /// Whether a subject code in the payload is a person's: typed as a person's document, or
    /// reading as a resident ID number whatever its type says.
    func isPersonal(_ candidate: SubjectCode, in bytes: [UInt8], payload: String) -> Bool {
        guard let value = Self.value(of: candidate.field, in: bytes, payload: payload) else { return false }
        if let typeField = candidate.typeField, let type = Self.value(of: typeField, in: bytes, payload: payload),
           candidate.personalTypes.contains(type) {
            return true
        }
        return Self.readsAsResidentID(value)
    }

    /// A resident ID number by its own checks: 18 characters with a valid birth date and check
    /// character, or the old 15 digits.
    static func readsAsResidentID(_ value: String) -> Bool {
        (value.count == 18 || value.count == 15) && (try? ResidentID.normalize(value).get()) != nil
    }

    /// A string field's value in canonical JSON; the slow way when it has escapes.
    static func value(of code: String, in bytes: [UInt8], payload: String) -> String? {
        let key = Array("\"\(code)\":\"".utf8)
        guard let keyStart = firstIndex(of: key, in: bytes) else { return nil }
        let valueStart = keyStart + key.count
        guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let value = bytes[valueStart..<valueEnd]
        if !value.contains(UInt8(ascii: "\\")) { return String(decoding: value, as: UTF8.self) }
        guard case .object(let values)? = try? JSONReader(maxDepth: 4).read(bytes), case .string(let text)? = values[code] else { return nil }
        return text
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
        guard case .object(var values)? = try? JSONReader(maxDepth: 4).read(Array(payload.utf8)) else { return (payload, []) }
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
