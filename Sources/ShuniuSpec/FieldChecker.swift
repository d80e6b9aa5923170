import ShuniuCore

/// Checks one present, trimmed value against its field's type, length and code list.
struct FieldChecker {
    let spec: DataSpec
    let field: FieldSpec
    let path: String
    /// Part of the dataset's business key: held to the characters of a code whatever its type.
    var isKey = false

    func check(_ value: String) -> Result<String, ValidationProblems> {
        var problems: [Problem] = []
        func fail(_ code: ProblemCode, _ message: String) {
            problems.append(Problem(code: code, path: path, label: field.label, message: "\(field.label) (\(field.code)): \(message)"))
        }

        // Before anything else, and alone: no other message should quote such a value.
        let freeText = (field.type == .text || field.type == .url) && !isKey
        if let scalar = freeText ? TextCharacters.forbiddenInFreeText(value) : TextCharacters.forbiddenInCode(value) {
            let allowed = freeText ? "free text may hold tab, CR and LF but no other control character" : "a code or key holds no control, format or separator character"
            fail(.fieldControlCharacter, "holds \(TextCharacters.name(scalar)) at character \(value.unicodeScalars.prefix { $0 != scalar }.count + 1); \(allowed)")
            return .failure(ValidationProblems(problems: problems))
        }
        if let length = field.length, value.count != length {
            fail(.fieldLength, "must be exactly \(length) characters, has \(value.count)")
        }
        if let maxLength = field.maxLength, value.count > maxLength {
            fail(.fieldLength, "must be at most \(maxLength) characters, has \(value.count)")
        }
        if let pattern = field.pattern, let compiled = spec.patterns[pattern], !compiled.matchesWhole(value) {
            fail(.fieldPattern, "'\(value)' does not match \(pattern)")
        }

        var normalized = value
        switch field.type {
        case .text:
            break
        case .subjectCode:
            // Each subject of a list (several 招标人, a 联合体's members) by its own code's kind.
            let elements = SubjectCode.elements(value)
            // A listed real code that fails its check character: a warning (RecordValidator).
            for (index, element) in elements.enumerated() where spec.knownInvalidCodes.entry(for: element) == nil {
                guard let (code, problem) = SubjectCode.recognize(element).problem else { continue }
                fail(code, elements.count > 1 ? "item \(index + 1) '\(element)': \(problem)" : problem)
            }
            normalized = elements.joined(separator: ";")
        case .url:
            if !(value.hasPrefix("http://") || value.hasPrefix("https://")) { fail(.fieldPattern, "must be an http or https address") }
        case .datetime:
            if SpecTime.parseDateTime(value) == nil { fail(.fieldDateTime, "'\(value)' is not a time yyyyMMddHHmmss") }
        case .date:
            if CalendarDay(value) == nil || value.count != 8 { fail(.fieldDate, "'\(value)' is not a date yyyyMMdd") }
        case .decimal:
            switch SpecDecimal.parse(value) {
            case .failure(let problem): fail(.fieldDecimal, problem.message)
            case .success(let decimal):
                normalized = decimal.text
                if field.positive && !decimal.isPositive { fail(.fieldNotPositive, "must be greater than zero, is \(value)") }
            }
        case .integer:
            if Int(value) == nil { fail(.fieldInteger, "'\(value)' is not a whole number") }
        case .code:
            // Several values (one per subject, or several 保证金缴纳方式) are separated by 半角分号,
            // each a code of the list, as the receiver checks them. An incomplete list's unlisted
            // value is a warning (RecordValidator), not a refusal.
            if let name = field.codeList, let list = spec.codeLists[name], list.complete, !list.contains(value) {
                let items = SpecLists.semicolonSeparated(value)
                for (index, item) in items.enumerated() where !list.contains(item) {
                    let which = items.count > 1 ? "item \(index + 1) " : ""
                    fail(.fieldCodeList, "\(which)'\(item)' is not in code list \(name) \(list.label) (\(list.summary))")
                }
                if items.isEmpty { fail(.fieldCodeList, "'\(value)' is not in code list \(name) \(list.label) (\(list.summary))") }
            }
        case .creditCode:
            // A listed real code that fails its check character: a warning (RecordValidator).
            if let problem = CreditCode.problem(in: value), spec.knownInvalidCodes.entry(for: value) == nil {
                fail(.creditCodeInvalid, "统一社会信用代码 \(problem)")
            }
        case .residentID:
            switch ResidentID.normalize(value) {
            case .success(let upgraded): normalized = upgraded
            case .failure(let problem): fail(.residentIDInvalid, "身份证号 \(problem.message)")
            }
        case .organizationCode:
            if let problem = OrganizationCode.problem(in: value), spec.knownInvalidCodes.entry(for: value) == nil {
                fail(.organizationCodeInvalid, "组织机构代码 \(problem)")
            }
        case .regionCode:
            if let problem = spec.regions.problem(in: value) { fail(.regionCodeInvalid, "行政区划代码 \(problem)") }
        case .platformCode:
            if !PlatformID.isWellFormed(value) { fail(.platformCodeInvalid, "交易平台标识码 must be 11 characters of [0-9A-Z]") }
        case .projectCode:
            if let problem = BiddingCodes.projectCodeProblem(value) { fail(.projectCodeInvalid, problem) }
        case .tenderProjectCode:
            if let problem = BiddingCodes.tenderProjectCodeProblem(value) { fail(.tenderProjectCodeInvalid, problem) }
        case .sectionCode:
            if let problem = BiddingCodes.sectionCodeProblem(value) { fail(.sectionCodeInvalid, problem) }
        case .sectionCodes:
            for (index, code) in SpecLists.split(value).enumerated() {
                if let problem = BiddingCodes.sectionCodeProblem(code) { fail(.sectionCodeInvalid, "item \(index + 1): \(problem)") }
            }
            normalized = SpecLists.split(value).joined(separator: ",")
        case .unifiedDealCode:
            if let problem = BiddingCodes.unifiedDealCodeProblem(value) { fail(.unifiedDealCodeInvalid, problem) }
        case .unifiedDealCodes:
            for (index, code) in SpecLists.split(value).enumerated() {
                if let problem = BiddingCodes.unifiedDealCodeProblem(code) { fail(.unifiedDealCodeInvalid, "item \(index + 1): \(problem)") }
            }
            normalized = SpecLists.split(value).joined(separator: ",")
        }
        return problems.isEmpty ? .success(normalized) : .failure(ValidationProblems(problems: problems))
    }
}

/// Comma-separated lists (`BID_SECTION_CODES`): half-width commas; full-width ones are accepted too.
public enum SpecLists {
    /// `;`-separated lists (several subjects' codes, names, 主体类别; several codes of a list): half-width
    /// semicolons, as the spec says; a full-width `；` is read as one. Trimmed, empty items dropped.
    public static func semicolonSeparated(_ value: String) -> [String] {
        value.replacingOccurrences(of: "；", with: ";").split(separator: ";")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public static func split(_ value: String) -> [String] {
        value.replacingOccurrences(of: "，", with: ",").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

import Foundation
