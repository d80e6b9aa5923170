/// Why an XML payload was refused, and where: 1-based line and column (in characters) of the
/// offending byte, so that a platform's developer can go straight to it.
public struct XMLPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake; stable, for tests and machines.
    public enum Kind: String, Sendable, Hashable {
        /// Bytes that are not UTF-8, or a declared encoding other than UTF-8.
        case encoding
        /// Malformed markup: a bad name, a missing `>` or quote, text outside the root element.
        case syntax
        /// An entity or character reference that is unknown or not a legal character.
        case entity
        /// A document type declaration, refused outright.
        case doctype
        /// Elements nested deeper than the reader's limit.
        case tooDeep
        /// An end tag that does not close the open element.
        case mismatchedTag
        /// The input ended inside an element, comment, CDATA section or tag.
        case unclosed
        /// Something after the root element other than comments, processing instructions or whitespace.
        case trailingContent
    }

    public var kind: Kind
    public var line: Int
    public var column: Int
    public var message: String

    public init(kind: Kind, line: Int, column: Int, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
