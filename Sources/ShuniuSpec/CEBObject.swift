/// One business object of the national e-bidding public service platform (CEB): its XML root
/// element and its elements in order, as `Mappings/destinations/ceb/objects.yaml` gives them.
public struct CEBObject: Sendable {
    /// The object's name, such as `TenderProject`.
    public var name: String
    /// The XML root element of a document holding one such object, such as `tenderProject`.
    public var element: String
    public var role: Role
    /// For a child: the object it is a line of, and its element that ties it to that object.
    public var parent: String?
    public var link: String?
    /// The element whose value identifies the object.
    public var key: String
    public var items: [Item]

    /// An object of its own, or a line of another object (sent as a document of its own all the same).
    public enum Role: String, Sendable, Codable {
        case root
        case child
    }

    /// One place in the element sequence: an element, or a choice of branches of which exactly one appears.
    public enum Item: Sendable {
        case element(CEBElementRule)
        case choice([[CEBElementRule]])

        /// Every element this place may hold, in order.
        public var rules: [CEBElementRule] {
            switch self {
            case .element(let rule): [rule]
            case .choice(let branches): branches.flatMap { $0 }
            }
        }
    }

    /// Every element the object may hold, in document order (a choice's branches one after the other).
    public var rules: [CEBElementRule] { items.flatMap(\.rules) }

    /// The rule for an element name.
    public func rule(_ name: String) -> CEBElementRule? {
        rules.first { $0.name == name }
    }
}

/// What one element of a CEB object must hold.
public struct CEBElementRule: Sendable {
    public var name: String
    /// The element must appear (XSD minOccurs 1), whether or not its value may be empty.
    public var required: Bool
    public var type: ValueType
    /// Exact, least and greatest length in characters.
    public var length: Int?
    public var minLength: Int?
    public var maxLength: Int?
    /// The XSD pattern as written; the whole value must match.
    public var pattern: String?
    let compiledPattern: FieldPattern?

    /// The schema's value types: text, or one of its two named decimal types.
    public enum ValueType: String, Sendable, Codable {
        case string
        /// An `xs:decimal`, or empty.
        case decimalOrEmpty = "decimal-or-empty"
        /// A decimal, not empty.
        case limitDecimal = "limit-decimal"
    }

    init(name: String, required: Bool, type: ValueType, length: Int?, minLength: Int?, maxLength: Int?, pattern: String?, compiledPattern: FieldPattern?) {
        self.name = name
        self.required = required
        self.type = type
        self.length = length
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.compiledPattern = compiledPattern
    }
}
