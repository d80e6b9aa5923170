import Foundation
import ShuniuCore
import ShuniuSpec

/// Records made from the spec files alone, for the generated tests and the validation benchmark:
/// for each dataset a complete record (every field holds a valid value of its type, length and
/// code list) and, from it, one mutation per way each field can be wrong.
///
/// A complete record starts from the dataset's first valid fixture (`Tests/Fixtures/datasets`),
/// which gets the cross-field rules right, and fills every field the fixture leaves out: with a
/// value of the same type from the record itself (so that a section code still starts with its
/// tender project code, and times keep their order), else from any fixture, else made from the
/// field's own declaration.
public struct SpecRecordFactory: Sendable {
    /// One record that must be refused, and the problem that must say why.
    public struct Mutation: Sendable {
        public var dataset: DatasetID
        public var field: String
        /// What was done to the field, for test messages.
        public var change: String
        public var record: [String: JSONValue]
        public var expected: ProblemCode
        /// The record is accepted with `expected` as a warning: a code an incomplete list does not hold.
        public var warns = false
    }

    public let spec: DataSpec
    /// Valid values seen in the fixtures, by field type, for fields a record lacks.
    let samples: [FieldType: [String]]
    let fixtures: [DatasetID: [String: JSONValue]]

    public init(spec: DataSpec, fixtureFolder: String = RepositoryPaths.root + "/Tests/Fixtures/datasets") throws {
        self.spec = spec
        var fixtures: [DatasetID: [String: JSONValue]] = [:]
        var samples: [FieldType: [String]] = [:]
        for dataset in spec.datasets.values {
            let path = "\(fixtureFolder)/\(dataset.dataset.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path),
                  case .object(let file) = try JSONReader(maxDepth: 8).read(Array(data)),
                  case .array(let valid)? = file["valid"], case .object(let first)? = valid.first else { continue }
            fixtures[dataset.dataset] = first
            for field in dataset.fields where field.pattern == nil && field.length == nil {
                if case .string(let value)? = first[field.code] { samples[field.type, default: []].append(value) }
            }
        }
        self.fixtures = fixtures
        self.samples = samples
    }

    /// Every dataset with a fixture, in order.
    public var datasets: [DatasetSpec] {
        spec.datasets.values.filter { fixtures[$0.dataset] != nil }.sorted { $0.dataset < $1.dataset }
    }

    /// The dataset's fixture with every missing field filled with a valid value.
    public func completeRecord(_ dataset: DatasetSpec) -> [String: JSONValue] {
        var record = fixtures[dataset.dataset] ?? [:]
        let given = record
        for field in dataset.fields where record[field.code] == nil {
            if let value = value(for: field, in: dataset, beside: given) { record[field.code] = .string(value) }
        }
        return record
    }

    /// One refused record per field and way of being wrong: missing when required, one character
    /// too long, a code outside its list, an impossible date or time, a wrong check character.
    public func mutations(_ dataset: DatasetSpec) -> [Mutation] {
        let complete = completeRecord(dataset)
        var mutations: [Mutation] = []
        func add(_ field: FieldSpec, _ change: String, _ value: String?, _ expected: ProblemCode, warns: Bool = false) {
            var record = complete
            record[field.code] = value.map(JSONValue.string)
            if value == nil { record.removeValue(forKey: field.code) }
            mutations.append(Mutation(dataset: dataset.dataset, field: field.code, change: change, record: record, expected: expected, warns: warns))
        }
        for field in dataset.fields {
            guard case .string(let valid)? = complete[field.code] else { continue }
            if field.required { add(field, "removed", nil, .fieldRequired) }
            if field.type == .text, field.pattern == nil {
                if let maxLength = field.maxLength { add(field, "\(maxLength + 1) characters", String(repeating: "字", count: maxLength + 1), .fieldLength) }
                if let length = field.length { add(field, "\(length + 1) characters", String(repeating: "9", count: length + 1), .fieldLength) }
            }
            switch field.type {
            case .code:
                if let list = field.codeList.flatMap({ spec.codeLists[$0] }), !list.complete {
                    // An incomplete list keeps a value it does not hold, with a warning.
                    add(field, "a code its incomplete list does not hold", String(repeating: "Z", count: field.length ?? 1), .codeUnlisted, warns: true)
                } else {
                    add(field, "a code outside its list", "ZZ~", .fieldCodeList)
                }
            case .date:
                add(field, "the 31st of February", "20260231", .fieldDate)
            case .datetime:
                add(field, "25 o'clock", "20260105250000", .fieldDateTime)
            case .decimal:
                add(field, "a number in words", "三千万", .fieldDecimal)
            case .integer:
                add(field, "a fraction", "1.5", .fieldInteger)
            case .creditCode, .residentID, .organizationCode:
                add(field, "a wrong check character", Self.wrongCheckCharacter(valid), Self.checkProblem[field.type]!)
            case .subjectCode where field.length.map { $0 >= 18 } ?? true && field.maxLength.map { $0 >= 18 } ?? true:
                // Read as a credit code by its shape; its check character is B.
                add(field, "a credit code with a wrong check character", "91330000MA27XL0E2X", .creditCodeInvalid)
            case .regionCode:
                add(field, "a code GB/T 2260 never had", "990000", .regionCodeInvalid)
            case .url:
                add(field, "an ftp address", "ftp://example.invalid/file", .fieldPattern)
            default:
                break
            }
        }
        return mutations
    }

    static let checkProblem: [FieldType: ProblemCode] = [
        .creditCode: .creditCodeInvalid, .residentID: .residentIDInvalid, .organizationCode: .organizationCodeInvalid,
    ]

    /// The value with its last character changed to another of the same alphabet.
    static func wrongCheckCharacter(_ value: String) -> String {
        guard let last = value.last else { return "0" }
        let replacement: Character = last == "1" ? "2" : (last.isNumber ? "1" : "0")
        return String(value.dropLast()) + String(replacement)
    }

    /// A valid value for a field the fixture leaves out.
    func value(for field: FieldSpec, in dataset: DatasetSpec, beside record: [String: JSONValue]) -> String? {
        let sameType = dataset.fields.filter { $0.type == field.type && $0.length == field.length && $0.pattern == nil }
        for other in sameType {
            if case .string(let value)? = record[other.code], fits(value, field) { return value }
        }
        if field.pattern == nil, let value = samples[field.type]?.first(where: { fits($0, field) }) { return value }
        switch field.type {
        case .text:
            guard field.pattern == nil else { return nil }
            return field.length.map { String(repeating: "1", count: $0) } ?? "示例"
        case .code:
            return field.codeList.flatMap { spec.codeLists[$0]?.entries.first?.code }
        case .date: return "20260105"
        case .datetime: return "20260105093000"
        case .decimal: return "1"
        case .integer: return "1"
        case .creditCode: return "91330000MA27XL0E2B"
        case .organizationCode: return "MA27XL0E2"
        case .residentID: return "11010519491231002X"
        case .regionCode: return "420100"
        case .url: return "https://example.invalid/"
        default: return nil
        }
    }

    func fits(_ value: String, _ field: FieldSpec) -> Bool {
        if let length = field.length, value.count != length { return false }
        if let maxLength = field.maxLength, value.count > maxLength { return false }
        if field.type == .code, let name = field.codeList, spec.codeLists[name]?.contains(value) != true { return false }
        return true
    }
}
