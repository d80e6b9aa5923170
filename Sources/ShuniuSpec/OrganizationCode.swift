/// 组织机构代码 (GB 11714-1997): 8 body characters (digits, upper-case letters) and a check
/// character, usually written `XXXXXXXX-C`.
public enum OrganizationCode {
    static let weights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// Why a text is not a valid organization code, or nil when it is one. The hyphen is optional.
    public static func problem(in text: String) -> String? {
        var chars = Array(text)
        if chars.count == 10, chars[8] == "-" { chars.remove(at: 8) }
        guard chars.count == 9 else { return "must be 9 characters (8 and a check character, optionally with a hyphen)" }
        if let bad = chars.prefix(8).first(where: { value(of: $0) == nil }) {
            return "character '\(bad)' is not a digit or upper-case letter"
        }
        let expected = checkCharacter(for: String(chars.prefix(8)))!
        guard chars[8] == expected else { return "check character is '\(chars[8])', expected '\(expected)'" }
        return nil
    }

    public static func isValid(_ text: String) -> Bool { problem(in: text) == nil }

    /// The check character for 8 body characters (for synthetic test and demo data).
    public static func checkCharacter(for body: String) -> Character? {
        let values = body.compactMap(value(of:))
        guard body.count == 8, values.count == 8 else { return nil }
        let check = 11 - zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
        return check == 10 ? "X" : check == 11 ? "0" : Character(String(check))
    }

    static func value(of char: Character) -> Int? {
        guard char.isASCII else { return nil }
        if let digit = char.wholeNumberValue { return digit }
        guard char.isUppercase, let ascii = char.asciiValue else { return nil }
        return Int(ascii) - 55
    }
}
