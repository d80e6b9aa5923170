import Foundation
import ShuniuCore

/// Checks a dataset's cross-field rules on a record's normalized values.
struct RuleChecker {
    let spec: DataSpec
    let dataset: DatasetSpec
    /// Valid values, normalized.
    let values: [String: String]
    /// Fields given at all, valid or not: for "required" rules.
    let present: Set<String>
    let path: String

    func check() -> [Problem] {
        dataset.rules.flatMap(check)
    }

    private func problem(_ code: ProblemCode, _ fieldCode: String, _ message: String) -> Problem {
        Problem(code: code, path: "\(path).\(fieldCode)", label: dataset.field(fieldCode)?.label, message: message)
    }

    private func label(_ code: String) -> String {
        "\(dataset.field(code)?.label ?? code) (\(code))"
    }

    /// ` (自然人)`: the code list's label of a value, for messages.
    private func codeLabel(_ field: String, _ value: String) -> String {
        guard let list = dataset.field(field)?.codeList, let label = spec.codeLists[list]?.label(of: value) else { return "" }
        return " (\(label))"
    }

    private func check(_ rule: RuleSpec) -> [Problem] {
        switch rule.rule {
        case .prefix:
            guard let field = rule.field, let prefixField = rule.startsWith,
                  let value = values[field], let prefix = values[prefixField] else { return [] }
            return SpecLists.split(value).filter { !$0.hasPrefix(prefix) }.map {
                problem(.codePrefixMismatch, field, "\(label(field)) \($0) must start with \(label(prefixField)) \(prefix)")
            }
        case .requiredUnless:
            guard let unlessField = rule.unlessField else { return [] }
            if let actual = values[unlessField], (rule.unlessValues ?? []).contains(actual) { return [] }
            return (rule.fields ?? []).filter { !present.contains($0) }.map {
                problem(.requiredUnless, $0, "\(label($0)) is required unless \(label(unlessField)) is \((rule.unlessValues ?? []).joined(separator: " or "))")
            }
        case .requiredWith:
            guard let field = rule.field, present.contains(field) else { return [] }
            return (rule.fields ?? []).filter { !present.contains($0) }.map {
                problem(.requiredWith, $0, "\(label($0)) is required when \(label(field)) is given")
            }
        case .subjectCode:
            guard let field = rule.field, let typeField = rule.typeField,
                  let value = values[field], let kind = values[typeField] else { return [] }
            let message: String?
            let code: ProblemCode
            // A listed real code that fails its check character: a warning (RecordValidator).
            if spec.knownInvalidCodes.entry(for: value) != nil { return [] }
            switch kind {
            case "01": (message, code) = (CreditCode.problem(in: value).map { "统一社会信用代码 \($0)" }, .creditCodeInvalid)
            case "02": (message, code) = (OrganizationCode.problem(in: value).map { "组织机构代码 \($0)" }, .organizationCodeInvalid)
            case "03":
                if case .failure(let failure) = ResidentID.normalize(value) { (message, code) = ("身份证号 \(failure.message)", .residentIDInvalid) }
                else { (message, code) = (nil, .residentIDInvalid) }
            default: (message, code) = (nil, .fieldType)
            }
            return message.map { [problem(code, field, "\(label(field)) is declared by \(label(typeField)) = \(kind): \($0)")] } ?? []
        case .requiredWhen:
            guard let whenField = rule.whenField, let actual = values[whenField], (rule.whenValues ?? []).contains(actual) else { return [] }
            return (rule.fields ?? []).filter { !present.contains($0) }.map {
                problem(.requiredWhen, $0, "\(label($0)) is required when \(label(whenField)) is \(actual)\(codeLabel(whenField, actual))")
            }
        case .oneOf:
            let fields = rule.fields ?? []
            guard let first = fields.first, fields.allSatisfy({ !present.contains($0) }) else { return [] }
            return [problem(.oneOfRequired, first, "one of \(fields.map(label).joined(separator: ", ")) is required")]
        case .notBefore:
            guard let field = rule.field, let other = rule.other,
                  let value = values[field], let otherValue = values[other],
                  let time = SpecTime.parseTimeOrDate(value), let otherTime = SpecTime.parseTimeOrDate(otherValue) else { return [] }
            guard time < otherTime else { return [] }
            return [problem(.timeOrder, field, "\(label(field)) \(value) is before \(label(other)) \(otherValue)")]
        case .interval:
            guard let field = rule.field, let other = rule.other,
                  let value = values[field], let otherValue = values[other],
                  let end = SpecTime.parseTimeOrDate(value), let start = SpecTime.parseTimeOrDate(otherValue) else { return [] }
            let days = SpecTime.days(from: start, to: end)
            if let least = rule.atLeastDays, days < Double(least) {
                return [problem(.interval, field, "\(label(field)) \(value) is \(SpecTime.daysText(days)) days after \(label(other)) \(otherValue); at least \(least) required")]
            }
            if let most = rule.atMostDays, days > Double(most) {
                return [problem(.interval, field, "\(label(field)) \(value) is \(SpecTime.daysText(days)) days after \(label(other)) \(otherValue); at most \(most) allowed")]
            }
            return []
        case .sequence:
            // Across records: checked at ingest by SequenceChecker.
            return []
        }
    }
}
