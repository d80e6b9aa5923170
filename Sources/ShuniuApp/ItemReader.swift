import ShuniuCore
import Yams

/// Reads one mapping of a configuration list (a destination, a route) strictly: unknown keys,
/// missing required keys and bad values are each reported with the item's key path and line.
struct ItemReader {
    let file: String
    let path: String
    let node: Node
    let known: Set<String>
    var diagnostics: [Diagnostic] = []

    init(file: String, path: String, node: Node, known: Set<String>) {
        self.file = file
        self.path = path
        self.node = node
        self.known = known
        if let mapping = node.mapping {
            for key in mapping.keys.compactMap(\.string) where !known.contains(key) {
                report(mapping.keys.first { $0.string == key } ?? node, "unknown key '\(path).\(key)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        } else {
            report(node, "'\(path)' must be a mapping")
        }
    }

    /// The items of the list under `name`, numbered; a value that is not a list is reported.
    static func listItems(_ node: Node, named name: String, file: String, diagnostics: inout [Diagnostic]) -> [(index: Int, node: Node)] {
        guard let sequence = node.sequence else {
            diagnostics.append(Diagnostic(file: file, line: node.mark?.line, message: "'\(name)' must be a list"))
            return []
        }
        return sequence.enumerated().map { ($0.offset, $0.element) }
    }

    mutating func report(_ at: Node, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: at.mark?.line, message: message))
    }

    private func value(_ key: String) -> Node? { node.mapping?[key] }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required { report(node, "'\(path).\(key)' is required") }
            return nil
        }
        guard let text = value.scalar?.string, !text.isEmpty else {
            report(value, "'\(path).\(key)' must be a non-empty single value")
            return nil
        }
        return text
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(key) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            report(value(key)!, "'\(path).\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            return nil
        }
        return number
    }

    mutating func list(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        if let scalar = value.scalar { return [scalar.string] }
        guard let sequence = value.sequence, sequence.allSatisfy({ $0.scalar != nil }) else {
            report(value, "'\(path).\(key)' must be a list of values")
            return nil
        }
        return sequence.compactMap(\.scalar?.string)
    }

    /// A mapping of names to single values.
    mutating func stringMap(_ key: String) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard let pairs = value.mapping, pairs.allSatisfy({ $0.key.string != nil && $0.value.scalar != nil }) else {
            report(value, "'\(path).\(key)' must map names to single values")
            return nil
        }
        return Dictionary(pairs.map { ($0.key.string!, $0.value.scalar!.string) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let chosen = T(rawValue: text) else {
            report(value(key)!, "'\(path).\(key)' must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            return nil
        }
        return chosen
    }

    /// Durations such as `5s`, `5m`, `2h`, `1d` or plain seconds.
    mutating func durations(_ key: String) -> [Int]? {
        guard let items = list(key) else { return nil }
        var seconds: [Int] = []
        for item in items {
            guard let parsed = ItemReader.seconds(item) else {
                report(value(key)!, "'\(path).\(key)': '\(item)' is not a duration such as 5s, 5m, 2h or 1d")
                return nil
            }
            seconds.append(parsed)
        }
        return seconds
    }

    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let plain = Int(text), plain > 0 { return plain }
        guard let unit = text.last, let factor = units[unit], let number = Int(text.dropLast()), number > 0 else { return nil }
        return number * factor
    }
}
