import ShuniuCore

/// A subject's code (招标人代码, 投标人代码, 主体代码…): the spec lets it be a 统一社会信用代码, a
/// 组织机构代码, a 身份证号 or another document's number (a passport, a 港澳台 permit, a foreign
/// registration), and says nothing of which. The kind is read from the code's shape: a code shaped
/// like one of the checked kinds must pass that kind's check; any other code is accepted as text.
/// Several subjects (招标人, members of a 联合体) are written in one value, separated by 半角分号.
public enum SubjectCode {
    public enum Kind: String, Sendable {
        case creditCode, organizationCode, residentID, other
    }

    /// A code's elements: `;`-separated (a full-width `；` is read as one), trimmed, empty ones dropped.
    public static func elements(_ value: String) -> [String] {
        SpecLists.semicolonSeparated(value)
    }

    /// The kind a code's shape says it is, and why it fails that kind's check (nil when it passes).
    public static func recognize(_ code: String) -> (kind: Kind, problem: (ProblemCode, String)?) {
        if case .success = ResidentID.normalize(code) { return (.residentID, nil) }
        if CreditCode.problem(in: code) == nil { return (.creditCode, nil) }
        if OrganizationCode.problem(in: code) == nil { return (.organizationCode, nil) }
        if looksLikeResidentID(code), case .failure(let failure) = ResidentID.normalize(code) {
            return (.residentID, (.residentIDInvalid, "身份证号 \(failure.message)"))
        }
        if looksLikeCreditCode(code), let problem = CreditCode.problem(in: code) {
            return (.creditCode, (.creditCodeInvalid, "统一社会信用代码 \(problem)"))
        }
        // `12345678-9` is an organization code's own way of writing; 9 bare characters may as well
        // be a passport's number (E12345678), so only the hyphenated form is held to the check.
        if code.count == 10, Array(code)[8] == "-", let problem = OrganizationCode.problem(in: code) {
            return (.organizationCode, (.organizationCodeInvalid, "组织机构代码 \(problem)"))
        }
        return (.other, nil)
    }

    /// 17 digits and a check character, with a birth date at characters 7–14.
    static func looksLikeResidentID(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count == 18, chars.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }),
              chars[17].isASCII && (chars[17].isNumber || chars[17] == "X" || chars[17] == "x") else { return false }
        return CalendarDay(String(chars[6..<14])) != nil
    }

    /// 18 characters of the credit code's alphabet (digits and upper-case letters but I, O, S, V, Z).
    static func looksLikeCreditCode(_ code: String) -> Bool {
        code.count == 18 && code.allSatisfy { CreditCode.alphabet.contains($0) }
    }
}
