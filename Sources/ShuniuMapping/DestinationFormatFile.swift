import ShuniuCore

/// A destination mapping file, `Mappings/destinations/<name>.yaml`: how a stored version becomes
/// an upstream's payload (JSON or XML, a SOAP envelope being XML), in which encoding, one record
/// or a batch per request, with which headers, and how the upstream's answer is read. The
/// other direction of a platform mapping file, in the same value language.
public struct DestinationFormatFile: Sendable {
    public enum Body: String, Sendable, CaseIterable {
        case json
        case xml
    }

    /// The name destinations choose it by (`format:` in the configuration); the file's name.
    public var name: String
    /// The file's own version, shown by `shuniu mappings check`.
    public var version: String
    public var body: Body
    public var encoding: PayloadEncoding
    /// True when the upstream takes one record per request (a batch becomes several requests).
    public var recordPerRequest: Bool
    public var contentType: String
    /// Further headers, each a value (a constant, or taken from the record and settings).
    public var headers: [(name: String, value: OutputValue)]
    /// True when the hub's signature headers go with each request (when the destination has a key and secret).
    public var signed: Bool
    /// Appended to the destination's URL for each request (an upstream with an address per kind of record).
    public var path: OutputValue?
    /// The request body; ``OutputTemplate/records`` marks where the records go.
    public var request: OutputTemplate
    /// One record, whatever its dataset, unless `datasets` has its own.
    public var record: OutputTemplate?
    /// One record of these datasets.
    public var datasets: [DatasetID: OutputTemplate]
    public var answer: AnswerRule
    /// What the format cannot carry (flags, withdrawals, attachments…), as its file lists them:
    /// shown by `shuniu mappings test`.
    public var cannotCarry: [String]
    /// The settings a destination of this format must give (`formatSettings:`).
    public var requiredSettings: [String]
    /// The token `$token` stands for, made for each request by the hub (nil: the format has none).
    public var token: TokenKind?
    public var file: String

    /// The template for a record of `dataset`, if the format carries that dataset.
    public func template(for dataset: DatasetID) -> OutputTemplate? {
        datasets[dataset] ?? record
    }
}

/// A token an upstream wants in its requests, made by the hub from the destination's settings.
public enum TokenKind: String, Sendable, CaseIterable {
    /// The provincial receiver's: Base64 of DES-CBC over its SYSTEM_NO, the time and an MD5
    /// (`formatSettings`: `systemNo`, and `secretFile` holding the 8-character secret).
    case provincialDES = "provincial-des"
}

/// A part of the payload: the file's YAML tree, in order. In JSON, members are an object's
/// members; in XML, child elements (`"@name"` an attribute, `"#text"` the element's own text).
public indirect enum OutputTemplate: Sendable {
    case members([(name: String, template: OutputTemplate)])
    case list([OutputTemplate])
    case value(OutputValue)
    /// Where the request's records go (a list in JSON; one element per record in XML).
    case records
    /// Every field of the record: in JSON its canonical object, in XML one element per field in the spec's order.
    case fields
    /// The part rendered as an XML document of its own, as text: a SOAP parameter that carries XML.
    case document(OutputTemplate)
}

/// One value of the payload: a constant, a reference to the record or the settings, or several
/// joined; then mapped and transformed as a platform file's values are.
public struct OutputValue: Sendable {
    public enum Source: Sendable {
        case constant(String)
        case reference(OutputReference)
        /// Values joined; with `fill`, the last is left-padded with zeros so that the whole has that many characters.
        case concat([OutputValue], fill: Int?)
    }

    /// What a value that is absent (no such field, a null) becomes.
    public enum Absent: String, Sendable, CaseIterable {
        /// Left out: no JSON member, no XML element.
        case omit
        /// JSON null; an empty XML element.
        case null
        /// An empty string.
        case empty
    }

    public var source: Source
    public var valueMap: [String: String]?
    public var defaultValue: String?
    public var transforms: [OutputTransform]
    public var absent: Absent
    /// The file's line, for problems.
    public var line: Int?
}

/// What a reference names: a fact of the version, a field, or a destination setting.
public enum OutputReference: Sendable, Hashable {
    case dataset, datasetName, datasetLabel, key, version, hubId, sequence, dataKey, operation, operationCode
    case sourcePlatform, regionCode, specVersion, contentHash, receivedAt, receivedTime, now, idempotencyKey
    case flags, extra
    /// The format's token (``TokenKind``), made for this request.
    case token
    /// The record's fields as one JSON object (JSON only).
    case fieldsObject
    case field(String)
    case setting(String)

    /// `$name` in a file, as written.
    static let named: [String: OutputReference] = [
        "dataset": .dataset, "datasetName": .datasetName, "datasetLabel": .datasetLabel, "key": .key, "version": .version,
        "hubId": .hubId, "sequence": .sequence, "dataKey": .dataKey, "operation": .operation, "operationCode": .operationCode,
        "sourcePlatform": .sourcePlatform, "regionCode": .regionCode, "specVersion": .specVersion, "contentHash": .contentHash,
        "receivedAt": .receivedAt, "receivedTime": .receivedTime, "now": .now, "idempotencyKey": .idempotencyKey,
        "flags": .flags, "extra": .extra, "fields": .fieldsObject, "token": .token,
    ]
}

/// A step on an outgoing value.
public enum OutputTransform: Sendable, Hashable {
    /// A platform-file transform (`yuanToWan`, `bitToTF`, `dateTime FORMAT`…).
    case value(ValueTransform)
    /// Left-padded with zeros to this many characters.
    case padZeros(Int)
    /// The first n characters.
    case prefix(Int)
}

/// How an upstream's 2xx answer is read: where its status and message are, and what each means.
public struct AnswerRule: Sendable {
    public enum Syntax: String, Sendable, CaseIterable {
        case json
        case xml
    }

    public struct Outcome: Sendable {
        /// The status this outcome is for (nil: any).
        public var status: String?
        /// The code this outcome is for (nil: any).
        public var code: String?
        /// Matches only when the message contains this.
        public var messageContains: String?
        public var answer: Kind
    }

    public enum Kind: String, Sendable, CaseIterable {
        case accepted, duplicate, rejected, retry, exists, absent
    }

    public var syntax: Syntax
    /// An XML element whose text is the answer itself (a SOAP result carrying JSON text).
    public var unwrap: String?
    /// A list in the answer with one entry per record, each naming the record's idempotency key in `match`.
    public var perRecord: PayloadPath?
    public var match: PayloadPath?
    public var status: PayloadPath?
    /// A code beside the status (an error code), which outcomes may match too.
    public var code: PayloadPath?
    public var message: PayloadPath?
    /// The first that matches wins; none: accepted.
    public var outcomes: [Outcome]
    /// What an answer that cannot be read means for every delivery it answers (nil: accepted).
    public var unreadable: Kind?
}
