/// What is wrong in a CEB document, at an element path such as `/DataList/project[2]/regionCode`.
public struct CEBProblem: Sendable, Hashable, CustomStringConvertible {
    public var kind: Kind
    public var path: String
    public var message: String

    /// A stable code per kind, as a receiver would answer it in `errorCode`.
    public enum Kind: String, Sendable, Hashable {
        /// The root element is no object of the schema, or not the object expected.
        case unknownObject = "UNKNOWN_OBJECT"
        case unknownElement = "UNKNOWN_ELEMENT"
        case outOfOrder = "OUT_OF_ORDER"
        case repeatedElement = "REPEATED_ELEMENT"
        case missingElement = "MISSING_ELEMENT"
        /// Elements of two branches of a choice.
        case choice = "CHOICE"
        /// An element that should hold a value holds elements or attributes, or an object holds text.
        case notSimple = "NOT_SIMPLE"
        case length = "LENGTH"
        case pattern = "PATTERN"
        case decimal = "DECIMAL"
    }

    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
