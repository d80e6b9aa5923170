/// An exact decimal amount of the spec: up to 14 integer and 6 fraction digits, kept as text.
public struct SpecDecimal: Sendable, Hashable {
    /// Canonical text: no leading zeros, no trailing fraction zeros, no `+`.
    public var text: String
    public var isPositive: Bool

    public static func parse(_ value: String) -> Result<SpecDecimal, SpecDecimalProblem> {
        var body = Substring(value)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let integer = parts.first, !integer.isEmpty,
              integer.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy({ $0.isASCII && $0.isNumber })) else {
            return .failure(.init(message: "'\(value)' is not a decimal number such as 1234.56"))
        }
        let integerDigits = integer.drop { $0 == "0" }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard integerDigits.count <= 14 else { return .failure(.init(message: "'\(value)' has more than 14 integer digits")) }
        guard fraction.count <= 6 else { return .failure(.init(message: "'\(value)' has more than 6 fraction digits")) }
        let trimmedFraction = String(fraction.reversed().drop { $0 == "0" }.reversed())
        let isZero = integerDigits.isEmpty && trimmedFraction.isEmpty
        var text = integerDigits.isEmpty ? "0" : String(integerDigits)
        if !trimmedFraction.isEmpty { text += "." + trimmedFraction }
        if negative && !isZero { text = "-" + text }
        return .success(SpecDecimal(text: text, isPositive: !negative && !isZero))
    }
}

public struct SpecDecimalProblem: Error, Sendable {
    public var message: String
}
