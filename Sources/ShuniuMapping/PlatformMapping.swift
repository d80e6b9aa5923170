import ShuniuCore

/// One platform's mapping file, `Mappings/platforms/<platform-id>.yaml`: how its payloads become
/// records of the common spec.
public struct PlatformMapping: Sendable {
    public var platform: PlatformID
    /// Stored with every record mapped by this file.
    public var version: String
    /// How the platform writes its payloads (`format: json | xml`, default json).
    public var format: PayloadFormat = .json
    /// The payloads' character encoding (`encoding: utf-8 | gb18030`, GBK and GB 2312 read as
    /// GB 18030; default utf-8). An XML payload's own declaration wins.
    public var encoding: PayloadEncoding = .utf8
    /// How deep the payload's objects and arrays (or XML elements) may nest (`maxDepth`, default
    /// ``defaultMaxDepth``): deeper payloads are refused before they are read further.
    public var maxDepth: Int = PlatformMapping.defaultMaxDepth
    public var records: [RecordMapping]
    /// The file it was read from, for messages.
    public var file: String

    /// Deep enough for any platform's business objects seen so far.
    public static let defaultMaxDepth = 32
    /// The most a mapping file may allow: the readers recurse once per level.
    public static let maxDepthCeiling = 256

    /// The payload's bytes, read by the mapping's format, ready for `MappingEngine.apply(to:)`.
    public func decodePayload(_ bytes: [UInt8]) throws(PayloadSyntaxError) -> JSONValue {
        try format.decode(bytes, encoding: encoding, maxDepth: maxDepth)
    }
}

/// Makes records of one dataset from a payload.
public struct RecordMapping: Sendable {
    public var dataset: DatasetID
    /// Where the record's source objects are (an object, or an array of them); the payload when nil.
    public var from: PayloadPath?
    /// Only when this holds for the source object.
    public var when: Condition?
    /// Spec field code → how to get its value, in file order.
    public var fields: [(code: String, mapping: FieldMapping)]
    /// The mapping file's line, for messages.
    public var line: Int?

    public struct Condition: Sendable {
        public var path: PayloadPath
        public var equals: String
    }
}

/// How one spec field gets its value.
public struct FieldMapping: Sendable {
    /// Where the value is, relative to the record's source object (`$.…` from the payload's root).
    public var path: PayloadPath?
    /// A fixed value instead.
    public var constant: String?
    /// Translates the platform's codes to the spec's.
    public var valueMap: [String: String]?
    /// Used when the path has no value (or the value map has no entry).
    public var defaultValue: String?
    public var transforms: [ValueTransform]
    public var line: Int?
}
