/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet, the last a
/// check character over the first 17 with weights 3^(i-1) mod 31.
public enum CreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Why a text is not a valid credit code, or nil when it is one.
    public static func problem(in text: String) -> String? {
        let chars = Array(text)
        guard chars.count == 18 else { return "must be 18 characters, has \(chars.count)" }
        var values: [Int] = []
        for (offset, char) in chars.enumerated() {
            guard let value = alphabet.firstIndex(of: char) else {
                return "character \(offset + 1) '\(char)' is not allowed (I, O, S, V, Z and lower case never occur)"
            }
            values.append(value)
        }
        guard chars[2..<8].allSatisfy(\.isNumber) else { return "characters 3–8 must be the registering authority's 6-digit region code" }
        let expected = checkCharacter(values: Array(values.prefix(17)))
        guard chars[17] == expected else { return "check character is '\(chars[17])', expected '\(expected)'" }
        return nil
    }

    public static func isValid(_ text: String) -> Bool { problem(in: text) == nil }

    /// The check character for the first 17 characters (for synthetic test and demo data).
    public static func checkCharacter(for body: String) -> Character? {
        let values = body.compactMap { alphabet.firstIndex(of: $0) }
        guard body.count == 17, values.count == 17 else { return nil }
        return checkCharacter(values: values)
    }

    static func checkCharacter(values: [Int]) -> Character {
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }
}
