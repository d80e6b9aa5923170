import Foundation
import ShuniuCore

/// Checks one record's fields against its dataset and puts it in the common spec's shape.
///
/// Every problem is reported, not only the first. Absent, `null` and empty values count as
/// missing; strings are trimmed. Decimals must be JSON strings so that no digit is lost.
public struct RecordValidator: Sendable {
    public let spec: DataSpec

    public init(spec: DataSpec) {
        self.spec = spec
    }

    /// A record that passed: its normalized fields, business key and region, and the warnings
    /// it passed with.
    public struct Checked: Sendable, Hashable {
        public var fields: [String: String]
        public var businessKey: String
        /// The values of the dataset's duplicate check (`unique:`) joined by `|`; nil without one.
        public var uniqueValues: String? = nil
        public var regionCode: String?
        public var industryCode: String?
        /// Accepted but worth a supervisor's look: region codes no longer in force, unknown fields
        /// kept, values of incomplete code lists that they do not hold, listed codes failing their
        /// check character, legacy 15-digit ID numbers.
        public var warnings: [Problem] = []
        /// Fields the dataset does not define, kept as text (see ``UnknownFields``); empty when none.
        public var extra: [String: String] = [:]
    }

    /// Validates `data` as a record of `dataset`. `path` is the JSON path of `data` in the batch;
    /// `dataKey` is the sender's record id scoped to its platform, the key's `DATA_KEY` member;
    /// `unknownFields` says whether fields the dataset does not define are kept or refused.
    public func validate(_ data: [String: JSONValue], as dataset: DatasetSpec, path: String, dataKey: String? = nil,
                         unknownFields: UnknownFields = .keep) -> Result<Checked, ValidationProblems> {
        var problems: [Problem] = []
        var values: [String: String] = [:]
        // Fields with a value, valid or not: a bad value is reported once, not again as missing.
        var present = Set<String>()
        var warnings: [Problem] = []

        let unknown = UnknownFields.check(data, of: dataset, path: path, handling: unknownFields)
        problems += unknown.problems
        for field in dataset.fields {
            let fieldPath = "\(path).\(field.code)"
            guard let raw = data[field.code] else {
                if field.required { problems.append(missing(field, fieldPath)) }
                continue
            }
            switch text(of: raw, for: field) {
            case .failure(let problem):
                present.insert(field.code)
                problems.append(Problem(code: .fieldType, path: fieldPath, label: field.label, message: problem.message))
            case .success(nil):
                if field.required { problems.append(missing(field, fieldPath)) }
            case .success(let value?):
                present.insert(field.code)
                switch FieldChecker(spec: spec, field: field, path: fieldPath, isKey: dataset.key.contains(field.code)).check(value) {
                case .success(let normalized):
                    values[field.code] = normalized
                    if field.type == .residentID, value.count == 15 { warnings.append(legacyResidentID(field, fieldPath)) }
                case .failure(let fieldProblems): problems += fieldProblems.problems
                }
            }
        }
        problems += RuleChecker(spec: spec, dataset: dataset, values: values, present: present, path: path).check()

        guard problems.isEmpty else { return .failure(ValidationProblems(problems: problems)) }
        let key = dataset.key.map { $0 == DataKey.fieldName ? dataKey ?? "" : values[$0] ?? "" }.joined(separator: "|")
        return .success(Checked(
            fields: values, businessKey: key,
            uniqueValues: dataset.unique.isEmpty ? nil : dataset.unique.map { values[$0] ?? "" }.joined(separator: "|"),
            regionCode: dataset.regionField.flatMap { values[$0] },
            industryCode: dataset.industryField.flatMap { values[$0] },
            warnings: warnings + retiredRegionCodes(values, of: dataset, path: path) + embeddedOrganizationCodes(values, of: dataset, path: path)
                + listedInvalidCodes(values, of: dataset, path: path) + unlistedCodes(values, of: dataset, path: path) + unknown.warnings,
            extra: unknown.kept
        ))
    }

    /// A legacy 15-digit 身份证号, stored in its 18-digit form. The message does not quote the
    /// number: warnings travel with the version unmasked, the field itself is masked.
    private func legacyResidentID(_ field: FieldSpec, _ path: String) -> Problem {
        Problem(
            code: .residentID15, path: path, label: field.label,
            message: "\(field.label) (\(field.code)): a 15-digit 身份证号 (before GB 11643-1999), checked with its birth date in 19yy and stored in its 18-digit form (century and check character added)"
        )
    }

    /// Codes that fail their check character but are listed as real: accepted, and told.
    private func listedInvalidCodes(_ values: [String: String], of dataset: DatasetSpec, path: String) -> [Problem] {
        dataset.fields.flatMap { field -> [Problem] in
            guard [.creditCode, .organizationCode, .subjectCode].contains(field.type), let value = values[field.code] else { return [] }
            return SubjectCode.elements(value).compactMap { code in
                guard let entry = spec.knownInvalidCodes.entry(for: code),
                      let kind = KnownInvalidCodes.kindFailingOnlyCheckCharacter(code) else { return nil }
                return Problem(
                    code: .checkCharacterListed, path: "\(path).\(field.code)", label: field.label,
                    message: "\(field.label) (\(field.code)): \(kind.chineseName) \(code) fails its check character but is a real code, \(KnownInvalidCodes.origin(of: entry))"
                )
            }
        }
    }

    /// Values an incomplete code list does not hold: accepted (the list's official table is not
    /// wholly known, and refusing a real code would lose the record), and told.
    private func unlistedCodes(_ values: [String: String], of dataset: DatasetSpec, path: String) -> [Problem] {
        dataset.fields.compactMap { field in
            guard field.type == .code, let name = field.codeList, let list = spec.codeLists[name], !list.complete,
                  let value = values[field.code], !list.contains(value) else { return nil }
            // Several codes are separated by 半角分号: the ones the list lacks are named.
            let unlisted = SpecLists.semicolonSeparated(value).filter { !list.contains($0) }
            guard !unlisted.isEmpty else { return nil }
            return Problem(
                code: .codeUnlisted, path: "\(path).\(field.code)", label: field.label,
                message: "\(field.label) (\(field.code)): '\(unlisted.joined(separator: ";"))' is not among the known values of code list \(name) \(list.label) (\(list.summary)); the list is incomplete, so the value is kept"
            )
        }
    }

    /// Credit codes (in credit-code fields, or subject-code fields holding one) whose embedded
    /// 组织机构代码 fails its check character: told, not refused.
    private func embeddedOrganizationCodes(_ values: [String: String], of dataset: DatasetSpec, path: String) -> [Problem] {
        dataset.fields.flatMap { field -> [Problem] in
            guard field.type == .creditCode || field.type == .subjectCode, let value = values[field.code] else { return [] }
            // A subject code may list several subjects' codes: each is looked at.
            let codes = field.type == .subjectCode ? SubjectCode.elements(value) : [value]
            return codes.compactMap { code in
                guard code.count == 18, CreditCode.problem(in: code) == nil,
                      let problem = OrganizationCode.problem(in: String(code.dropFirst(8).prefix(9))) else { return nil }
                return Problem(
                    code: .creditCodeOrganizationCode, path: "\(path).\(field.code)", label: field.label,
                    message: "\(field.label) (\(field.code)): the 组织机构代码 inside 统一社会信用代码 \(code) (characters 9–17) \(problem)"
                )
            }
        }
    }

    /// Region codes no longer in force, at the record's time: the earliest of its times and
    /// dates (when the project was created, the violation took place, the case was filed), the
    /// time the record's facts begin. A code listed at that time is no warning.
    private func retiredRegionCodes(_ values: [String: String], of dataset: DatasetSpec, path: String) -> [Problem] {
        let regionFields = dataset.fields.filter { $0.type == .regionCode && values[$0.code] != nil }
        guard !regionFields.isEmpty else { return [] }
        // Checked values: yyyyMMddHHmmss or yyyyMMdd, both beginning with the month.
        let month = dataset.fields.filter { $0.type == .datetime || $0.type == .date }
            .compactMap { values[$0.code].flatMap { Int($0.prefix(6)) } }.min()
        return regionFields.compactMap { field in
            spec.regions.retirement(of: values[field.code] ?? "", at: month).map {
                Problem(code: .regionCodeRetired, path: "\(path).\(field.code)", label: field.label, message: "\(field.label) (\(field.code)): 行政区划代码 \($0)")
            }
        }
    }

    private func missing(_ field: FieldSpec, _ path: String) -> Problem {
        Problem(code: .fieldRequired, path: path, label: field.label, message: "\(field.label) (\(field.code)) is required")
    }

    /// The value as trimmed text; nil when empty or null; an error message for a wrong JSON type.
    private func text(of value: JSONValue, for field: FieldSpec) -> Result<String?, TextProblem> {
        switch value {
        case .null:
            return .success(nil)
        case .string(let text):
            let trimmed = text.trimmedWhitespace
            return .success(trimmed.isEmpty ? nil : trimmed)
        case .number(let number):
            guard field.type == .integer || field.type == .code, number.rounded() == number, abs(number) < 1e15 else {
                let hint = field.type == .decimal ? " — send amounts as strings such as \"1234.56\" so no digit is lost" : ""
                return .failure(TextProblem(message: "\(field.label) must be a string, got a number\(hint)"))
            }
            return .success(String(Int64(number)))
        default:
            return .failure(TextProblem(message: "\(field.label) must be a string, got \(value.typeName)"))
        }
    }
}

/// All problems found in one record.
public struct ValidationProblems: Error, Sendable {
    public var problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }
}

struct TextProblem: Error {
    var message: String
}

extension RecordValidator {
    /// The key of the record a delete names, from its key fields alone (a delete's other fields
    /// are not checked, as the spec skips them for DATA_TYPE 3). nil when `data` lacks a key field
    /// the dataset has: the delete must then name its record by DATA_KEY.
    public func deletedKey(_ data: [String: JSONValue], as dataset: DatasetSpec, path: String, dataKey: String?) -> Result<String?, ValidationProblems> {
        var parts: [String] = []
        var problems: [Problem] = []
        for code in dataset.key {
            if code == DataKey.fieldName {
                guard let dataKey else { return .success(nil) }
                parts.append(dataKey)
                continue
            }
            guard let field = dataset.field(code), case .string(let raw)? = data[code], !raw.trimmedWhitespace.isEmpty else { return .success(nil) }
            switch FieldChecker(spec: spec, field: field, path: "\(path).\(code)", isKey: true).check(raw.trimmedWhitespace) {
            case .success(let normalized): parts.append(normalized)
            case .failure(let found): problems += found.problems
            }
        }
        return problems.isEmpty ? .success(parts.joined(separator: "|")) : .failure(ValidationProblems(problems: problems))
    }
}
