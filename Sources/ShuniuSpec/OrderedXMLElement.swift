/// An XML element as written, children in document order: what `OrderedXMLReader` makes, for
/// checks where the order of elements matters (the national CEB objects' schema).
public struct OrderedXMLElement: Sendable, Hashable {
    public var name: String
    /// Attributes in the order written.
    public var attributes: [Attribute]
    public var children: [OrderedXMLElement]
    /// The element's own text (character data, CDATA and references, joined), as written: not trimmed.
    public var text: String
    /// The 1-based line of the start tag, for messages.
    public var line: Int

    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(name: String, attributes: [Attribute] = [], children: [OrderedXMLElement] = [], text: String = "", line: Int = 1) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The first child of that name.
    public func child(_ name: String) -> OrderedXMLElement? {
        children.first { $0.name == name }
    }
}
