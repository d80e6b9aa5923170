import Foundation
import ShuniuCore
import ShuniuMapping

/// What a connector reads from a fetched page beside its records (which the mapping file
/// maps): the page's items, the next cursor it names, and the latest modification time among
/// its items.
struct PulledPage: Sendable {
    var items: [JSONValue]
    /// cursor paging: the value at `cursorPath`, as text; nil when absent, null or empty.
    var nextCursor: String?
    /// since paging: the latest of the items' times at `timePath`.
    var latestTime: String?

    /// `items`: the page's list of items (its elements; an object counts as one item).
    init(document: JSONValue, items: PayloadPath, cursor: PayloadPath?, time: PayloadPath?) {
        self.items = items.values(in: document).filter { $0 != .null }
        nextCursor = cursor.flatMap { $0.values(in: document).first }.flatMap(PulledPage.text)
        if let time {
            latestTime = self.items.compactMap { time.values(in: $0).first.flatMap(PulledPage.text) }.reduce(nil) { PulledPage.later($0, $1) }
        }
    }

    /// A scalar as the text to send back as a query parameter.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text.isEmpty ? nil : text
        case .number(let number):
            if number.rounded() == number && abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .bool(let flag): return String(flag)
        case .null, .array, .object: return nil
        }
    }

    /// The later of two times: numerically when both are numbers (epoch seconds or
    /// milliseconds), else as text — ISO 8601 and `yyyy-MM-dd HH:mm:ss` sort as text.
    static func later(_ a: String?, _ b: String) -> String {
        guard let a else { return b }
        if let x = Double(a), let y = Double(b) { return y > x ? b : a }
        return b > a ? b : a
    }
}
