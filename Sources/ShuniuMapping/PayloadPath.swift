import ShuniuCore

/// A path into a platform's payload: `project.name`, `sections[0].code`, `bidders[*]` (every
/// element), or `$` for the payload itself. Keys may be Chinese.
///
/// `[*]` and `[0]` on a value that is not an array reach the value itself: XML cannot tell one
/// repeated element from a single one, so `BidSection[*]` works for one section and for several.
public struct PayloadPath: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case every
    }

    let steps: [Step]
    public let description: String

    /// Nil when the text is not a path.
    public init?(_ text: String) {
        description = text
        var steps: [Step] = []
        var rest = Substring(text.hasPrefix("$") ? String(text.dropFirst()) : text)
        if rest.hasPrefix(".") { rest = rest.dropFirst() }
        while !rest.isEmpty {
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if inside == "*" { steps.append(.every) } else if let index = Int(inside), index >= 0 { steps.append(.index(index)) } else { return nil }
                rest = rest[rest.index(after: close)...]
                if rest.hasPrefix(".") { rest = rest.dropFirst() }
            } else {
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                guard !key.isEmpty else { return nil }
                steps.append(.key(key))
                rest = rest[end...]
                if rest.hasPrefix(".") { rest = rest.dropFirst() }
            }
        }
        self.steps = steps
    }

    /// Every value the path reaches from `root`: for readers outside the mapping engine, such as
    /// pull connectors finding a page's items and next cursor.
    public func values(in root: JSONValue) -> [JSONValue] {
        resolve(in: root, at: "$").map(\.value)
    }

    /// Every value the path reaches from `root`, with its JSON path (`$.sections[1].code`).
    func resolve(in root: JSONValue, at rootPath: String) -> [(value: JSONValue, path: String)] {
        var current: [(JSONValue, String)] = [(root, rootPath)]
        for step in steps {
            var next: [(JSONValue, String)] = []
            for (value, path) in current {
                switch (step, value) {
                case (.key(let key), .object(let fields)):
                    if let child = fields[key] { next.append((child, "\(path).\(key)")) }
                case (.index(let index), .array(let items)):
                    if index < items.count { next.append((items[index], "\(path)[\(index)]")) }
                case (.every, .array(let items)):
                    next += items.enumerated().map { ($0.element, "\(path)[\($0.offset)]") }
                case (.every, .null), (.index, .null):
                    break
                case (.every, _), (.index(0), _):
                    next.append((value, path))
                default:
                    break
                }
            }
            current = next
        }
        return current
    }
}
