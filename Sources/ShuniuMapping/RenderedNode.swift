import ShuniuCore

/// A payload part made from a template, before it is written as JSON or XML: members keep the
/// file's order (XML element order is part of some upstreams' schemas).
indirect enum RenderedNode: Sendable, Hashable {
    case members([Member])
    case list([RenderedNode])
    case text(String)
    /// A number, written bare in JSON.
    case number(String)
    /// JSON text spliced as it is (the stored canonical fields): JSON only.
    case json(String)
    case null

    struct Member: Sendable, Hashable {
        var name: String
        var node: RenderedNode
    }

    // MARK: JSON

    /// The node as JSON text.
    var jsonText: String {
        switch self {
        case .members(let members):
            return "{" + members.map { JSONValue.string($0.name).canonicalText + ":" + $0.node.jsonText }.joined(separator: ",") + "}"
        case .list(let items):
            return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .text(let text):
            return JSONValue.string(text).canonicalText
        case .number(let text), .json(let text):
            return text
        case .null:
            return "null"
        }
    }

    // MARK: XML

    /// The node as an XML document: its one member is the root element.
    func xmlDocument(declaration: String?) throws(RenderProblem) -> String {
        guard case .members(let members) = self, members.count == 1, !members[0].name.hasPrefix("@") else {
            throw RenderProblem("an XML body must have exactly one root element")
        }
        var text = declaration.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? ""
        try Self.writeElement(members[0].name, members[0].node, into: &text)
        return text
    }

    private static func writeElement(_ name: String, _ node: RenderedNode, into text: inout String) throws(RenderProblem) {
        switch node {
        case .list(let items):
            // A list is the element repeated.
            for item in items { try writeElement(name, item, into: &text) }
        case .members(let members):
            let attributes = members.filter { $0.name.hasPrefix("@") }
            text += "<" + name
            for attribute in attributes {
                guard let value = attribute.node.scalarText else { throw RenderProblem("attribute \(attribute.name) of <\(name)> must be a single value") }
                text += " " + attribute.name.dropFirst() + "=\"" + escaped(value, quotes: true) + "\""
            }
            let children = members.filter { !$0.name.hasPrefix("@") }
            if children.isEmpty {
                text += "/>"
                return
            }
            text += ">"
            for child in children {
                if child.name == "#text" {
                    text += escaped(child.node.scalarText ?? "", quotes: false)
                } else {
                    try writeElement(child.name, child.node, into: &text)
                }
            }
            text += "</" + name + ">"
        case .text(let value), .number(let value):
            text += value.isEmpty ? "<\(name)/>" : "<\(name)>\(escaped(value, quotes: false))</\(name)>"
        case .null:
            text += "<\(name)/>"
        case .json:
            throw RenderProblem("<\(name)> holds JSON: in XML, fields are written one element each")
        }
    }

    private var scalarText: String? {
        switch self {
        case .text(let value), .number(let value): return value
        case .null: return ""
        default: return nil
        }
    }

    static func escaped(_ value: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Why a version cannot be written in a format, in words for the dead letter and `mappings test`.
public struct RenderProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
