import Foundation
import ShuniuCore
import Yams

extension CEBObjectSchema {
    /// Reads and checks the objects file; every problem is reported with its line.
    public static func load(file: String) throws(DiagnosticsError) -> CEBObjectSchema {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "file is missing or not UTF-8")])
        }
        return try parse(text, file: file)
    }

    /// `text`, the content of `file`, read and checked.
    public static func parse(_ text: String, file: String) throws(DiagnosticsError) -> CEBObjectSchema {
        var diagnostics: [Diagnostic] = []
        guard let (decoded, root) = SpecLoader.decodeWithNode(ObjectsFile.self, text: text, file: file, into: &diagnostics) else {
            throw DiagnosticsError(diagnostics)
        }
        func report(_ path: [any CodingKey], _ message: String) {
            diagnostics.append(Diagnostic(file: file, line: YAMLLocator.line(in: root, at: path), message: message))
        }
        reportUnknownKeys(root, report: report)

        var objects: [CEBObject] = []
        for (index, entry) in decoded.objects.enumerated() {
            let at: [any CodingKey] = [IndexKey("objects"), IndexKey(index)]
            if objects.contains(where: { $0.name == entry.name }) { report(at, "object \(entry.name) is defined twice") }
            if objects.contains(where: { $0.element == entry.element }) { report(at, "element <\(entry.element)> is the root of two objects") }
            var items: [CEBObject.Item] = []
            var names = Set<String>()
            for (itemIndex, item) in entry.elements.enumerated() {
                let itemAt = at + [IndexKey("elements"), IndexKey(itemIndex)]
                func rule(_ element: ElementEntry, _ path: [any CodingKey]) -> CEBElementRule {
                    if !names.insert(element.name).inserted { report(path, "\(entry.name): element \(element.name) appears twice") }
                    return element.rule(at: path, object: entry.name, report: report)
                }
                switch item {
                case .element(let element):
                    items.append(.element(rule(element, itemAt)))
                case .choice(let branches):
                    if branches.count < 2 || branches.contains(where: \.isEmpty) {
                        report(itemAt, "\(entry.name): a choice needs two or more branches, none of them empty")
                    }
                    items.append(.choice(branches.enumerated().map { branchIndex, branch in
                        branch.enumerated().map { elementIndex, element in
                            rule(element, itemAt + [IndexKey("choice"), IndexKey(branchIndex), IndexKey(elementIndex)])
                        }
                    }))
                }
            }
            if !names.contains(entry.key) { report(at + [IndexKey("key")], "\(entry.name): key \(entry.key) is not one of its elements") }
            switch entry.role {
            case .root:
                if entry.parent != nil || entry.link != nil { report(at + [IndexKey("role")], "\(entry.name): a root object has no parent or link") }
            case .child:
                if entry.parent == nil || entry.link == nil { report(at + [IndexKey("role")], "\(entry.name): a child object needs a parent and a link") }
                if let link = entry.link, !names.contains(link) { report(at + [IndexKey("link")], "\(entry.name): link \(link) is not one of its elements") }
            }
            objects.append(CEBObject(name: entry.name, element: entry.element, role: entry.role, parent: entry.parent, link: entry.link,
                                     key: entry.key, items: items))
        }
        for (index, object) in objects.enumerated() {
            if let parent = object.parent, !objects.contains(where: { $0.name == parent }) {
                report([IndexKey("objects"), IndexKey(index), IndexKey("parent")], "\(object.name): no object named \(parent)")
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
        return CEBObjectSchema(objects: objects)
    }

    /// Decoding ignores keys it does not know: a misspelt restriction (`maxLenght`) would silently
    /// check nothing, so every mapping's keys are compared with the known ones.
    private static func reportUnknownKeys(_ root: Node, report: ([any CodingKey], String) -> Void) {
        func check(_ node: Node, _ known: Set<String>, _ path: [any CodingKey]) {
            for key in node.mapping?.keys.compactMap(\.string) ?? [] where !known.contains(key) {
                report(path + [IndexKey(key)], "unknown key '\(key)'; known here: \(known.sorted().joined(separator: ", "))")
            }
        }
        check(root, ["objects"], [])
        for (index, object) in (root.mapping?["objects"]?.sequence ?? []).enumerated() {
            let at: [any CodingKey] = [IndexKey("objects"), IndexKey(index)]
            check(object, ObjectEntry.keys, at)
            for (itemIndex, item) in (object.mapping?["elements"]?.sequence ?? []).enumerated() {
                let itemAt = at + [IndexKey("elements"), IndexKey(itemIndex)]
                guard let branches = item.mapping?["choice"]?.sequence else {
                    check(item, ElementEntry.keys, itemAt)
                    continue
                }
                check(item, ["choice"], itemAt)
                for (branchIndex, branch) in branches.enumerated() {
                    for (elementIndex, element) in (branch.sequence ?? []).enumerated() {
                        check(element, ElementEntry.keys, itemAt + [IndexKey("choice"), IndexKey(branchIndex), IndexKey(elementIndex)])
                    }
                }
            }
        }
    }
}

// MARK: The file's shape

private struct ObjectsFile: Decodable {
    var objects: [ObjectEntry]
}

private struct ObjectEntry: Decodable {
    var name: String
    var element: String
    var role: CEBObject.Role
    var parent: String?
    var link: String?
    var key: String
    var elements: [ItemEntry]

    static let keys: Set<String> = ["name", "element", "role", "parent", "link", "key", "elements"]
}

/// An element, or `choice:` with its branches.
private enum ItemEntry: Decodable {
    case element(ElementEntry)
    case choice([[ElementEntry]])

    private enum Keys: String, CodingKey { case choice }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if container.contains(.choice) {
            self = .choice(try container.decode([[ElementEntry]].self, forKey: .choice))
        } else {
            self = .element(try ElementEntry(from: decoder))
        }
    }
}

private struct ElementEntry: Decodable {
    var name: String
    var required: Bool
    var type: CEBElementRule.ValueType?
    var length: Int?
    var minLength: Int?
    var maxLength: Int?
    var pattern: String?

    static let keys: Set<String> = ["name", "required", "type", "length", "minLength", "maxLength", "pattern"]

    /// The rule, its pattern compiled; impossible restrictions reported.
    func rule(at path: [any CodingKey], object: String, report: ([any CodingKey], String) -> Void) -> CEBElementRule {
        var compiled: FieldPattern?
        if let pattern {
            compiled = FieldPattern(pattern)
            if compiled == nil { report(path + [IndexKey("pattern")], "\(object).\(name): pattern is not a valid regular expression") }
        }
        for (key, value) in [("length", length), ("minLength", minLength), ("maxLength", maxLength)] where (value ?? 0) < 0 {
            report(path + [IndexKey(key)], "\(object).\(name): \(key) cannot be negative")
        }
        if let minLength, let maxLength, minLength > maxLength {
            report(path, "\(object).\(name): minLength \(minLength) is more than maxLength \(maxLength)")
        }
        return CEBElementRule(name: name, required: required, type: type ?? .string, length: length, minLength: minLength,
                              maxLength: maxLength, pattern: pattern, compiledPattern: compiled)
    }
}
