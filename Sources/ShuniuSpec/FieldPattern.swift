import Foundation

/// A field's `pattern`, compiled once when the spec loads; the whole value must match.
/// (`NSRegularExpression` rather than `Regex`: it is `Sendable`, so one compiled pattern
/// serves every request at once.)
struct FieldPattern: Sendable {
    private let expression: NSRegularExpression

    /// Nil when `source` is not a valid regular expression.
    init?(_ source: String) {
        guard let expression = try? NSRegularExpression(pattern: "^(?:\(source))$") else { return nil }
        self.expression = expression
    }

    func matchesWhole(_ value: String) -> Bool {
        expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
}
