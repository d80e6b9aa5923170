import Synchronization

/// Real 统一社会信用代码 and 组织机构代码 that fail their own check character: registered so, and
/// carried by real records. A listed code is accepted with an `id.check_character_listed` warning
/// naming where it is listed, instead of being refused.
///
/// Two sources: `Mappings/spec/codes/known-invalid-check.yaml` (shipped, each code with its source)
/// and the codes a hub's operators add with `shuniu codes allow` (kept in the store, audited). The
/// operators' part is the one piece of the spec that changes while a hub runs: the hub reads it
/// from its store at start and again on SIGHUP, and every copy of the spec shares this one object.
public final class KnownInvalidCodes: Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var code: String
        /// Where the code is known from (shipped) or why an operator allowed it.
        public var source: String
        /// The operator who allowed it; nil for a shipped code.
        public var addedBy: String?

        public init(code: String, source: String, addedBy: String? = nil) {
            self.code = code
            self.source = source
            self.addedBy = addedBy
        }
    }

    /// The shipped file, as loaded.
    public let shipped: [String: Entry]
    private let added: Mutex<[String: Entry]>

    public init(shipped: [Entry] = [], added: [Entry] = []) {
        self.shipped = Dictionary(shipped.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        self.added = Mutex(Dictionary(added.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The entry that lists `code`, shipped first; nil when it is not listed.
    public func entry(for code: String) -> Entry? {
        shipped[code] ?? added.withLock { $0[code] }
    }

    /// The operators' codes now in force.
    public var operatorEntries: [Entry] {
        added.withLock { $0.values.sorted { $0.code < $1.code } }
    }

    /// Puts the store's list of operators' codes in force, replacing the previous one.
    public func replaceOperatorEntries(_ entries: [Entry]) {
        let table = Dictionary(entries.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        added.withLock { $0 = table }
    }

    /// The same shipped codes with an empty operators' part of its own: each hub keeps its store's.
    public func withoutOperatorEntries() -> KnownInvalidCodes {
        KnownInvalidCodes(shipped: Array(shipped.values))
    }

    /// Where a listed code is listed, for messages.
    public static func origin(of entry: Entry) -> String {
        if let operatorName = entry.addedBy {
            return "allowed by operator \(operatorName) (shuniu codes list): \(entry.source)"
        }
        return "listed in Mappings/spec/codes/known-invalid-check.yaml: \(entry.source)"
    }

    /// The kind of code `text` is when it fails nothing but its check character; nil when it is
    /// malformed otherwise, or valid (then there is nothing to allow).
    public static func kindFailingOnlyCheckCharacter(_ text: String) -> Kind? {
        let chars = Array(text)
        if chars.count == 18 {
            guard CreditCode.problem(in: text) != nil, let check = CreditCode.checkCharacter(for: String(chars.prefix(17))),
                  CreditCode.problem(in: String(chars.prefix(17)) + String(check)) == nil else { return nil }
            return .creditCode
        }
        var body = chars
        if body.count == 10, body[8] == "-" { body.remove(at: 8) }
        guard body.count == 9, OrganizationCode.problem(in: text) != nil,
              let check = OrganizationCode.checkCharacter(for: String(body.prefix(8))),
              OrganizationCode.problem(in: String(body.prefix(8)) + String(check)) == nil else { return nil }
        return .organizationCode
    }

    public enum Kind: String, Codable, Sendable {
        case creditCode, organizationCode

        public var chineseName: String {
            switch self {
            case .creditCode: "统一社会信用代码"
            case .organizationCode: "组织机构代码"
            }
        }
    }
}

/// `Mappings/spec/codes/known-invalid-check.yaml`.
struct KnownInvalidCodesFile: Decodable {
    struct Item: Decodable {
        var code: String
        var source: String
    }

    var codes: [Item]
}
