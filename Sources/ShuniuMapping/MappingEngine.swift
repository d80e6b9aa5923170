import Foundation
import ShuniuCore
import ShuniuSpec

/// Applies a platform's mapping to one payload: the spec-shaped records it yields, and every
/// problem with the payload's own path. Validation against the spec comes after, as for any record.
public struct MappingEngine: Sendable {
    public let mapping: PlatformMapping
    public let spec: DataSpec

    public init(mapping: PlatformMapping, spec: DataSpec) {
        self.mapping = mapping
        self.spec = spec
    }

    /// A record the mapping produced: dataset and fields, as an ingest batch would carry it.
    public struct MappedRecord: Sendable, Hashable {
        public var dataset: DatasetID
        public var data: [String: JSONValue]
        /// The payload path of the object it came from.
        public var sourcePath: String
        /// Field code → the payload path its value was read from, so that a problem found when the
        /// record is validated can name the platform's own field.
        public var fieldPaths: [String: String] = [:]
        /// What the mapping could not translate for this record, at the payload's paths.
        public var problems: [Problem] = []
        /// Where in the mapping file each field's value came from, the line of the entry that
        /// made the record, and the file's name: so that a problem can say which line to look at.
        public var mappedFields: [String: MappedField] = [:]
        public var mappingLine: Int?
        public var mappingFile: String = ""

        /// `{"dataset": …, "data": {…}}`.
        public var envelope: JSONValue {
            .object(["dataset": .string(dataset.rawValue), "data": .object(data)])
        }
    }

    /// One field's entry in the mapping file: its line, and the payload path it reads, if any.
    public struct MappedField: Sendable, Hashable {
        public var line: Int?
        public var path: String?
    }

    /// The mapping file's name, for messages (the platform's vendor knows it by that name).
    var fileName: String { (mapping.file as NSString).lastPathComponent }

    public func apply(to payload: JSONValue) -> (records: [MappedRecord], problems: [Problem]) {
        var records: [MappedRecord] = []
        var problems: [Problem] = []
        for recordMapping in mapping.records {
            let sources = recordMapping.from.map { $0.resolve(in: payload, at: "$") }.map(expandArrays) ?? [(payload, "$")]
            for (source, sourcePath) in sources {
                if let condition = recordMapping.when {
                    let value = condition.path.resolve(in: source, at: sourcePath).first.flatMap { MappingEngine.text(of: $0.value) }
                    if value != condition.equals { continue }
                }
                var data: [String: JSONValue] = [:]
                var recordProblems: [Problem] = []
                var fieldPaths: [String: String] = [:]
                for (code, field) in recordMapping.fields {
                    let label = spec.dataset(recordMapping.dataset)?.field(code)?.label
                    switch value(of: field, in: source, at: sourcePath, root: payload) {
                    case .success(let found):
                        guard let text = found.text else { break }
                        data[code] = .string(text)
                        if let path = found.path { fieldPaths[code] = path }
                    case .failure(let problem):
                        let line = field.line.map { " (\(fileName) line \($0))" } ?? ""
                        recordProblems.append(Problem(code: problem.code, path: problem.path, label: label, message: "\(label ?? code) (\(code)): \(problem.message)\(line)"))
                    }
                }
                problems += recordProblems
                let mappedFields = Dictionary(recordMapping.fields.map { ($0.code, MappedField(line: $0.mapping.line, path: $0.mapping.path?.description)) },
                                              uniquingKeysWith: { first, _ in first })
                records.append(MappedRecord(dataset: recordMapping.dataset, data: data, sourcePath: sourcePath, fieldPaths: fieldPaths, problems: recordProblems,
                                            mappedFields: mappedFields, mappingLine: recordMapping.line, mappingFile: fileName))
            }
        }
        return (records, problems)
    }

    /// An array at `from` stands for its elements.
    private func expandArrays(_ found: [(value: JSONValue, path: String)]) -> [(JSONValue, String)] {
        found.flatMap { value, path -> [(JSONValue, String)] in
            if case .array(let items) = value { return items.enumerated().map { ($0.element, "\(path)[\($0.offset)]") } }
            return [(value, path)]
        }
    }

    struct ValueProblem: Error {
        var code: ProblemCode
        var path: String
        var message: String
    }

    /// The field's text and the payload path it came from (nil for constants and defaults).
    private func value(of field: FieldMapping, in source: JSONValue, at sourcePath: String, root: JSONValue) -> Result<(text: String?, path: String?), ValueProblem> {
        if let constant = field.constant { return .success((constant, nil)) }
        guard let path = field.path else { return .success((field.defaultValue, nil)) }
        let absolute = path.description.hasPrefix("$")
        guard let (raw, rawPath) = path.resolve(in: absolute ? root : source, at: absolute ? "$" : sourcePath).first else {
            return .success((field.defaultValue, nil))
        }
        guard var text = MappingEngine.text(of: raw, joining: field.transforms.contains(.joinList(separator: nil))) else {
            if case .null = raw { return .success((field.defaultValue, nil)) }
            return .failure(ValueProblem(code: .mappingValueType, path: rawPath, message: "expected a value, found \(raw.typeName)"))
        }
        if let valueMap = field.valueMap {
            guard let mapped = valueMap[text] ?? field.defaultValue else {
                return .failure(ValueProblem(code: .mappingValueUnmapped, path: rawPath, message: "'\(text)' has no entry in the mapping's value map (\(valueMap.keys.sorted().joined(separator: ", ")))"))
            }
            text = mapped
        }
        for transform in field.transforms {
            switch transform.apply(text) {
            case .success(let transformed): text = transformed
            case .failure(let problem): return .failure(ValueProblem(code: .mappingTransform, path: rawPath, message: problem.message))
            }
        }
        return .success((text, rawPath))
    }

    /// Scalars as text (whole numbers without a fraction, booleans as 1/0); arrays joined when asked.
    static func text(of value: JSONValue, joining: Bool = false) -> String? {
        switch value {
        case .string(let text): return text
        case .number: return value.canonicalText
        case .bool(let flag): return flag ? "1" : "0"
        case .array(let items) where joining: return items.compactMap { text(of: $0) }.joined(separator: ",")
        default: return nil
        }
    }
}
