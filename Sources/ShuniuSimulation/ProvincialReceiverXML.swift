import ShuniuCore
import ShuniuMapping

/// Reading the provincial receiver's XML the way it reads it, over the hub's strict XML reader
/// (``XMLPayload``: elements become JSON objects, a repeated element an array, attributes `@name`).
enum ProvincialReceiverXML {
    /// One element as read: its value and the namespaces in scope at it (prefix → URI, "" for the
    /// default namespace).
    struct Element {
        var value: JSONValue
        var namespaces: [String: String]

        /// The element's attributes and children, when it has any.
        var object: [String: JSONValue] { value.objectValue ?? [:] }

        /// Its text: the whole value of a text-only element, or `#text` beside attributes.
        var text: String? {
            switch value {
            case .string(let text): text
            case .object(let fields): fields["#text"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
            default: nil
            }
        }

        /// The single child named `local` in `namespace`; nil when absent, repeated (an array),
        /// or in another namespace.
        func child(_ local: String, namespace: String) -> Element? {
            for (name, value) in object where !name.hasPrefix("@") && !name.hasPrefix("#") {
                let (prefix, localName) = Self.split(name)
                guard localName == local else { continue }
                if case .array = value { return nil }
                let scope = Self.scope(of: value, inside: namespaces)
                guard scope[prefix ?? ""] == namespace || (prefix == nil && namespace.isEmpty && scope[""] == nil) else { continue }
                return Element(value: value, namespaces: scope)
            }
            return nil
        }

        /// `prefix:local` split; no prefix when there is no colon.
        static func split(_ name: String) -> (prefix: String?, local: String) {
            guard let colon = name.firstIndex(of: ":") else { return (nil, name) }
            return (String(name[..<colon]), String(name[name.index(after: colon)...]))
        }

        /// The namespaces in scope inside an element whose value is `value`: its own `xmlns`
        /// attributes over the ones around it.
        static func scope(of value: JSONValue, inside outer: [String: String]) -> [String: String] {
            guard let fields = value.objectValue else { return outer }
            var scope = outer
            for (name, attribute) in fields {
                guard case .string(let uri) = attribute else { continue }
                if name == "@xmlns" { scope[""] = uri } else if name.hasPrefix("@xmlns:") { scope[String(name.dropFirst(7))] = uri }
            }
            return scope
        }
    }

    /// The root element of a parameter's XML `text`, or nil when it is not well-formed XML (or
    /// carries a DTD). An XML declaration is skipped: the text is already characters, whatever
    /// encoding it names (as .NET's `DataSet.ReadXml` reads a string).
    static func root(_ text: String) -> (name: String, element: Element)? {
        var text = Substring(text.trimmedWhitespace)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = text[end.upperBound...] }
        return root(document: Array(text.utf8), encoding: .utf8)
    }

    /// The root element of a document of bytes, in the encoding its declaration names, else in
    /// `encoding`; nil when it is not well-formed XML in that encoding.
    static func root(document bytes: [UInt8], encoding: PayloadEncoding) -> (name: String, element: Element)? {
        guard let document = try? XMLPayload.decode(bytes, encoding: encoding), let (name, value) = document.objectValue?.first else { return nil }
        return (name, Element(value: value, namespaces: Element.scope(of: value, inside: [:])))
    }

    /// The values of a table as `DataSet.ReadXml` gives them to the receiver: each child element of
    /// `element` that holds text, trimmed, an empty one as absent (null). A child that repeats
    /// or holds elements is no value.
    static func values(of element: Element) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in element.object where !name.hasPrefix("@") && !name.hasPrefix("#") {
            guard case .string(let text) = value else { continue }
            let trimmed = text.trimmedWhitespace
            if !trimmed.isEmpty { values[name] = trimmed }
        }
        return values
    }

    /// The names of the child elements present with an empty value: on update they set the column
    /// to null.
    static func emptyNames(of element: Element) -> Set<String> {
        Set(element.object.compactMap { name, value in
            guard !name.hasPrefix("@"), !name.hasPrefix("#"), case .string(let text) = value, text.trimmedWhitespace.isEmpty else { return nil }
            return name
        })
    }

    /// `text` escaped for XML character data.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
