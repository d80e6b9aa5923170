import ShuniuCore

/// What becomes of a field a record carries that its dataset does not define. Spec versions
/// move: a platform may send tomorrow's field before this hub's spec files have it, and a hub that
/// refused it would lose data. So by default it is kept — under the record's `extra`, delivered and
/// shared with it — and answered with a `field.unknown` warning; a platform set strict has it refused.
public enum UnknownFields: Sendable {
    /// Kept under `extra` with a `field.unknown` warning.
    case keep
    /// Refused with `field.unknown`.
    case refuse

    /// At most this many unknown fields a record: more is a sender's mistake, not tomorrow's spec.
    public static let maxCount = 64
    /// An unknown field's name: a letter, then letters, digits and underscores, like a field code.
    public static let maxNameLength = 64
    /// An unknown field's value, in characters: free text, bounded.
    public static let maxValueLength = 4000

    /// Whether `name` may be kept as a field name: it reads like a field code.
    static func isSaneName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= maxNameLength,
              ("A"..."Z").contains(first) || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The unknown fields of `data` (those `dataset` does not define), as text to keep, with a
    /// warning each — or the problems that refuse the record: a strict platform's unknown field,
    /// an insane name, a value that is not a scalar, too long, or holds a control character.
    static func check(
        _ data: [String: JSONValue], of dataset: DatasetSpec, path: String, handling: UnknownFields
    ) -> (kept: [String: String], warnings: [Problem], problems: [Problem]) {
        let names = data.keys.filter { dataset.field($0) == nil }.sorted()
        guard !names.isEmpty else { return ([:], [], []) }
        var kept: [String: String] = [:]
        var warnings: [Problem] = []
        var problems: [Problem] = []
        let dataset = "dataset \(dataset.dataset) \(dataset.name)"
        if handling == .refuse {
            for name in names {
                problems.append(Problem(code: .fieldUnknown, path: "\(path).\(shown(name))", message: "\(shown(name)) is not a field of \(dataset) (this platform's unknown fields are refused)"))
            }
            return ([:], [], problems)
        }
        guard names.count <= maxCount else {
            return ([:], [], [Problem(code: .fieldUnknown, path: path, message: "\(names.count) fields are not fields of \(dataset); at most \(maxCount) unknown fields are kept a record")])
        }
        for name in names {
            let fieldPath = "\(path).\(shown(name))"
            guard isSaneName(name) else {
                problems.append(Problem(code: .fieldUnknown, path: fieldPath, message: "'\(shown(name))' is not a field of \(dataset), nor a name that can be kept: 1 to \(maxNameLength) letters, digits and underscores, beginning with a letter"))
                continue
            }
            let text: String
            switch data[name] {
            case .string(let value)?: text = value.trimmedWhitespace
            case .number(let value)?: text = JSONValue.number(value).canonicalText
            case .bool(let value)?: text = value ? "true" : "false"
            case .null?, nil: continue
            case let other?:
                problems.append(Problem(code: .fieldType, path: fieldPath, message: "\(name) is not a field of \(dataset); to be kept its value must be a string, number or boolean, got \(other.typeName)"))
                continue
            }
            if text.isEmpty { continue }
            if text.count > maxValueLength {
                problems.append(Problem(code: .fieldLength, path: fieldPath, message: "\(name) is not a field of \(dataset); to be kept its value must be at most \(maxValueLength) characters, has \(text.count)"))
                continue
            }
            if let scalar = TextCharacters.forbiddenInFreeText(text) {
                problems.append(Problem(code: .fieldControlCharacter, path: fieldPath, message: "\(name) holds \(TextCharacters.name(scalar)); free text may hold tab, CR and LF but no other control character"))
                continue
            }
            kept[name] = text
            warnings.append(Problem(code: .fieldUnknown, path: fieldPath, message: "\(name) is not a field of \(dataset): kept under extra, delivered and shared with the record"))
        }
        return (kept, warnings, problems)
    }

    /// A name as a message may show it: control characters named, length bounded.
    private static func shown(_ name: String) -> String {
        let visible = String(name.unicodeScalars.prefix(80).map { TextCharacters.forbiddenInCode(String($0)) == nil ? Character($0) : "?" })
        return name.unicodeScalars.count > 80 ? visible + "…" : visible
    }
}
