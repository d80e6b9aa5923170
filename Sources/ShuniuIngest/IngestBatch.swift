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
            value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw IngestRefusal(.malformedJSON, "the body is not valid JSON: \(JSONErrorText.describe(error))")
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

/// A short description of a JSON decoding error, without Swift type names.
enum JSONErrorText {
    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?, let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                return detail
            }
            return context.debugDescription
        }
        return "unreadable"
    }
}
