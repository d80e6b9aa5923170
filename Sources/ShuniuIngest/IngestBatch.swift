import Foundation
import ShuniuCore

/// The body of `POST /api/v1/records`: `{"records": [{"dataset": "500", "data": {…}}, …]}`.
struct IngestBatch {
    var records: [JSONValue]

    /// Parses and bounds a body; a refusal says what is wrong with the batch as a whole.
    static func parse(_ body: [UInt8], limits: IngestLimits) throws -> IngestBatch {
        guard body.count <= limits.maxBodyBytes else {
            throw IngestRefusal(.bodyTooLarge, "the body is \(body.count) bytes; at most \(limits.maxBodyBytes) are accepted")
        }
        let value: JSONValue
        do {
            value = try JSONReader(maxDepth: limits.maxDepth).read(body)
        } catch {
            throw IngestRefusal(error)
        }
        guard case .object(let top) = value, case .array(let records)? = top["records"] else {
            throw IngestRefusal(.invalidBatch, "the body must be a JSON object with a \"records\" array")
        }
        guard !records.isEmpty else {
            throw IngestRefusal(.invalidBatch, "\"records\" is empty")
        }
        guard records.count <= limits.maxRecords else {
            throw IngestRefusal(.tooManyRecords, "the batch has \(records.count) records; at most \(limits.maxRecords) are accepted")
        }
        return IngestBatch(records: records)
    }
}

extension IngestRefusal {
    /// The refusal of a body the JSON reader would not take, with its own code for each fault.
    init(_ error: JSONReadError) {
        switch error.kind {
        case .syntax: self.init(.malformedJSON, "the body is not valid JSON: \(error)")
        case .notUTF8: self.init(.notUTF8, "the body is not UTF-8: \(error)")
        case .duplicateKey: self.init(.duplicateKey, "the body is ambiguous: \(error)")
        case .tooDeep: self.init(.nestingTooDeep, "the body nests too deep: \(error)")
        }
    }
}
