import ShuniuCore
import ShuniuSpec

/// One payload tried with a platform's mapping, storing nothing: read in the mapping's format,
/// mapped, and every record validated against the spec. `shuniu mappings test` prints it; the
/// sample tests compare `canonicalText` with the expected files committed beside the samples.
public struct MappingTrial: Sendable {
    /// A record that mapped and validated, in the spec's normalized form.
    public struct Record: Sendable, Hashable, Encodable {
        public var dataset: String
        /// The business key, its fields joined by `|`.
        public var key: String
        /// The payload path of the object it came from.
        public var source: String
        public var fields: [String: String]
        /// The platform's own id of the record (DATA_KEY) and the operation (DATA_TYPE), when mapped.
        public var dataKey: String?
        public var operation: String?

        var json: JSONValue {
            var members: [String: JSONValue] = [
                "dataset": .string(dataset), "key": .string(key), "source": .string(source),
                "data": .object(fields.mapValues(JSONValue.string)),
            ]
            if let dataKey { members["dataKey"] = .string(dataKey) }
            if let operation { members["operation"] = .string(operation) }
            return .object(members)
        }
    }

    public var records: [Record] = []
    /// Syntax, mapping and validation problems; validation problems name the payload's own field
    /// (`$.TenderProject.BidSection[1].contractReckonPrice`) when the value came from one.
    public var problems: [Problem] = []

    public init(payload bytes: [UInt8], engine: MappingEngine) {
        let payload: JSONValue
        do {
            payload = try engine.mapping.decodePayload(bytes)
        } catch {
            problems = [error.problem]
            return
        }
        let (mapped, mappingProblems) = engine.apply(to: payload)
        problems = mappingProblems
        let validator = RecordValidator(spec: engine.spec)
        for record in mapped {
            guard let dataset = engine.spec.dataset(record.dataset) else { continue }
            var data = record.data
            let dataKey = MappingEngine.text(of: data.removeValue(forKey: DataKey.fieldName) ?? .null)
            let operation = MappingEngine.text(of: data.removeValue(forKey: DataKey.operationFieldName) ?? .null)
            let scoped = dataKey.map { DataKey.scoped($0, platform: engine.mapping.platform) }
            switch validator.validate(data, as: dataset, path: record.sourcePath, dataKey: scoped) {
            case .success(let checked):
                records.append(Record(dataset: record.dataset.rawValue, key: checked.businessKey, source: record.sourcePath, fields: checked.fields,
                                      dataKey: dataKey, operation: operation))
            case .failure(let failure):
                problems += failure.problems.map { MappingTrial.located($0, in: record) }
            }
        }
    }

    /// The records as the expected files hold them: a JSON array, one record per line in canonical
    /// JSON (sorted keys), so that a change shows as a one-line diff.
    public var canonicalText: String {
        records.isEmpty ? "[]\n" : "[\n" + records.map(\.json.canonicalText).joined(separator: ",\n") + "\n]\n"
    }

    /// A validation problem at `<source>.<FIELD>` moved to the payload path the value was read
    /// from, and told which line of the mapping file made the value — or, for a required field
    /// without one, that the file maps nothing to it or reads it from a path the payload lacks.
    public static func located(_ problem: Problem, in record: MappingEngine.MappedRecord) -> Problem {
        let prefix = record.sourcePath + "."
        guard problem.path.hasPrefix(prefix) else { return problem }
        let code = String(problem.path.dropFirst(prefix.count))
        let entry = record.mappedFields[code]
        var moved = problem
        if let payloadPath = record.fieldPaths[code] {
            moved.path = payloadPath
            if let line = entry?.line { moved.message += " (\(record.mappingFile) line \(line))" }
        } else if problem.code == .fieldRequired {
            if let entry, let path = entry.path {
                moved.message += "; \(record.mappingFile) line \(entry.line.map(String.init) ?? "?") reads it from \(path), which this payload does not have"
            } else if entry == nil {
                let at = record.mappingLine.map { " (its \(record.dataset) records at line \($0))" } ?? ""
                moved.message += "; \(record.mappingFile) maps nothing to \(code)\(at)"
            }
        }
        return moved
    }
}
