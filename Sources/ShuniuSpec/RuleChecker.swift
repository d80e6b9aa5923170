import ShuniuCore

/// Checks a dataset's cross-field rules on a record's normalized values.
struct RuleChecker {
    let spec: DataSpec
    let dataset: DatasetSpec
    let values: [String: String]
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
            return (rule.fields ?? []).filter { values[$0] == nil }.map {
                problem(.requiredUnless, $0, "\(label($0)) is required unless \(label(unlessField)) is \((rule.unlessValues ?? []).joined(separator: " or "))")
            }
        case .requiredWith:
            guard let field = rule.field, values[field] != nil else { return [] }
            return (rule.fields ?? []).filter { values[$0] == nil }.map {
                problem(.requiredWith, $0, "\(label($0)) is required when \(label(field)) is given")
            }
        case .subjectCode:
            guard let field = rule.field, let typeField = rule.typeField,
                  let value = values[field], let kind = values[typeField] else { return [] }
            let message: String?
            let code: ProblemCode
            switch kind {
            case "01": (message, code) = (CreditCode.problem(in: value).map { "统一社会信用代码 \($0)" }, .creditCodeInvalid)
            case "02": (message, code) = (OrganizationCode.problem(in: value).map { "组织机构代码 \($0)" }, .organizationCodeInvalid)
            case "03":
                if case .failure(let failure) = ResidentID.normalize(value) { (message, code) = ("身份证号 \(failure.message)", .residentIDInvalid) }
                else { (message, code) = (nil, .residentIDInvalid) }
            default: (message, code) = (nil, .fieldType)
            }
            return message.map { [problem(code, field, "\(label(field)) is declared by \(label(typeField)) = \(kind): \($0)")] } ?? []
        case .notBefore:
            guard let field = rule.field, let other = rule.other,
                  let value = values[field], let otherValue = values[other],
                  let time = SpecTime.parseDateTime(value), let otherTime = SpecTime.parseDateTime(otherValue) else { return [] }
            guard time < otherTime else { return [] }
            return [problem(.fieldDateTime, field, "\(label(field)) \(value) is before \(label(other)) \(otherValue)")]
        }
    }
}
