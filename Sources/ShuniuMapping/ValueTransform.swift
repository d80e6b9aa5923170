import Foundation
import ShuniuCore
import ShuniuSpec

/// One step that turns a platform's value into the spec's form.
public enum ValueTransform: Sendable, Hashable {
    case trim
    /// Full-width letters, digits and punctuation (and U+3000) to half-width.
    case halfWidth
    case upperCase
    /// Unix seconds or milliseconds to `yyyyMMddHHmmss`, Beijing time.
    case epochSeconds
    case epochMilliseconds
    /// A date-time written as `format` (`yyyy-MM-dd HH:mm:ss`, `yyyy/MM/dd`, …) to `yyyyMMddHHmmss`.
    case dateTime(format: String)
    /// A date written as `format` to `yyyyMMdd`.
    case date(format: String)
    /// 万元 to 元 and back, exactly (decimal point shifted, no floating point).
    case wanToYuan
    case yuanToWan
    /// `0|1` to `F|T` and back (property-rights datasets use T/F).
    case bitToTF
    case tfToBit
    /// A list (JSON array, or text split on `separator`) joined with half-width commas.
    case joinList(separator: String?)

    /// The transformed text, or why it cannot be transformed.
    func apply(_ value: String) -> Result<String, TransformProblem> {
        switch self {
        case .trim: return .success(value.trimmedWhitespace)
        case .halfWidth: return .success(ValueTransform.halfWidth(value))
        case .upperCase: return .success(value.uppercased())
        case .epochSeconds, .epochMilliseconds:
            guard let number = Double(value.trimmedWhitespace) else { return .failure(.init("'\(value)' is not a number of \(self == .epochSeconds ? "seconds" : "milliseconds")")) }
            let seconds = self == .epochSeconds ? number : number / 1000
            return .success(SpecTime.text(Date(timeIntervalSince1970: seconds)))
        case .dateTime(let format):
            return DatePattern(format).map { pattern in
                pattern.parse(value).map { .success($0.timestamp) } ?? .failure(.init("'\(value)' does not match \(format)"))
            } ?? .failure(.init("bad format \(format)"))
        case .date(let format):
            return DatePattern(format).map { pattern in
                pattern.parse(value).map { .success(String($0.timestamp.prefix(8))) } ?? .failure(.init("'\(value)' does not match \(format)"))
            } ?? .failure(.init("bad format \(format)"))
        case .wanToYuan, .yuanToWan:
            guard case .success(let decimal) = SpecDecimal.parse(value.trimmedWhitespace) else { return .failure(.init("'\(value)' is not a decimal amount")) }
            return .success(ValueTransform.shift(decimal.text, by: self == .wanToYuan ? 4 : -4))
        case .bitToTF:
            switch value { case "1": return .success("T"); case "0": return .success("F"); default: return .failure(.init("'\(value)' is not 0 or 1")) }
        case .tfToBit:
            switch value { case "T": return .success("1"); case "F": return .success("0"); default: return .failure(.init("'\(value)' is not T or F")) }
        case .joinList(let separator):
            let parts = separator.map { value.components(separatedBy: $0) } ?? [value]
            return .success(parts.map(\.trimmedWhitespace).filter { !$0.isEmpty }.joined(separator: ","))
        }
    }

    static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0xFF01...0xFF5E: return Unicode.Scalar(scalar.value - 0xFEE0)!
            case 0x3000: return " "
            default: return scalar
            }
        }))
    }

    /// Moves the decimal point of a canonical decimal `places` to the right (left when negative).
    static func shift(_ text: String, by places: Int) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + places
        if point < 1 { digits = String(repeating: "0", count: 1 - point) + digits; point = 1 }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        let integer = String(digits.prefix(point)).drop { $0 == "0" }
        let fraction = String(String(digits.dropFirst(point)).reversed().drop { $0 == "0" }.reversed())
        let result = (integer.isEmpty ? "0" : String(integer)) + (fraction.isEmpty ? "" : "." + fraction)
        return negative && result != "0" ? "-" + result : result
    }
}

/// Why a value could not be transformed.
public struct TransformProblem: Error, Sendable, Hashable {
    public var message: String
    init(_ message: String) { self.message = message }
}

/// A date pattern made of `yyyy MM dd HH mm ss` and literal separators.
struct DatePattern {
    enum Token { case field(String, Int), literal(Character) }
    let tokens: [Token]

    init?(_ format: String) {
        var tokens: [Token] = []
        var rest = Substring(format)
        while let first = rest.first {
            if let field = ["yyyy", "MM", "dd", "HH", "mm", "ss"].first(where: { rest.hasPrefix($0) }) {
                tokens.append(.field(field, field.count))
                rest = rest.dropFirst(field.count)
            } else if first.isLetter {
                return nil
            } else {
                tokens.append(.literal(first))
                rest = rest.dropFirst()
            }
        }
        guard tokens.contains(where: { if case .field("yyyy", _) = $0 { true } else { false } }) else { return nil }
        self.tokens = tokens
    }

    /// The parsed parts as `yyyyMMddHHmmss` (missing time parts are zero), if the value matches.
    func parse(_ value: String) -> (timestamp: String, Void)? {
        var parts: [String: String] = ["HH": "00", "mm": "00", "ss": "00"]
        var rest = Substring(value.trimmedWhitespace)
        for token in tokens {
            switch token {
            case .literal(let character):
                guard rest.first == character else { return nil }
                rest = rest.dropFirst()
            case .field(let name, let width):
                let digits = rest.prefix(width)
                guard digits.count == width, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                parts[name] = String(digits)
                rest = rest.dropFirst(width)
            }
        }
        guard rest.isEmpty, let year = parts["yyyy"], let month = parts["MM"], let day = parts["dd"] else { return nil }
        let timestamp = year + month + day + parts["HH"]! + parts["mm"]! + parts["ss"]!
        guard SpecTime.parseDateTime(timestamp) != nil else { return nil }
        return (timestamp, ())
    }
}
