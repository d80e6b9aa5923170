import ShuniuCore

/// 公民身份号码 (GB 11643-1999): 18 characters, the last a check character (0–9 or X, a
/// lower-case x read as X); the legacy 15-digit form (two-digit year, no check character) is
/// upgraded to 18.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// The 18-character number `text` stands for, or why it is not a valid ID number.
    public static func normalize(_ text: String) -> Result<String, ResidentIDProblem> {
        // Many systems write the check character X in lower case: the same number.
        let text = text.hasSuffix("x") ? String(text.dropLast()) + "X" : text
        let chars = Array(text)
        switch chars.count {
        case 18:
            guard chars.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(.init(message: "the first 17 characters must be digits"))
            }
            guard let birth = CalendarDay(String(chars[6..<14])) else {
                return .failure(.init(message: "characters 7–14 must be a birth date yyyyMMdd"))
            }
            _ = birth
            let expected = checkCharacter(for: Array(chars.prefix(17)))
            guard chars[17] == expected else {
                return .failure(.init(message: "check character is '\(chars[17])', expected '\(expected)'"))
            }
            return .success(text)
        case 15:
            guard chars.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(.init(message: "a 15-character ID number has digits only"))
            }
            let body = Array(chars.prefix(6)) + Array("19") + Array(chars[6...])
            guard CalendarDay(String(body[6..<14])) != nil else {
                return .failure(.init(message: "characters 7–12 must be a birth date yyMMdd"))
            }
            return .success(String(body + [checkCharacter(for: body)]))
        default:
            return .failure(.init(message: "must be 18 characters (or a legacy 15), has \(chars.count)"))
        }
    }

    static func checkCharacter(for digits: [Character]) -> Character {
        let sum = zip(digits, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkCharacters[sum % 11]
    }
}

/// Why a text is not a resident ID number.
public struct ResidentIDProblem: Error, Sendable {
    public var message: String
}
