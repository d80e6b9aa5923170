import Foundation
import ShuniuCore

/// How a platform writes its payloads: the mapping file's `format` key (default `json`).
/// Either way the payload becomes a `JSONValue`, so paths work the same (see `XMLPayload` for
/// how XML elements, attributes and text are named).
public enum PayloadFormat: String, Sendable, Hashable, CaseIterable {
    case json
    case xml

    /// The payload as a `JSONValue`, or a `mapping.payload_syntax` problem saying where it is broken.
    /// `encoding` is the mapping file's; an XML payload's own declaration wins over it.
    public func decode(_ bytes: [UInt8], encoding: PayloadEncoding = .utf8) throws(PayloadSyntaxError) -> JSONValue {
        switch self {
        case .json:
            let text: [UInt8]
            do {
                text = try encoding.utf8(bytes)
            } catch {
                throw PayloadSyntaxError(Problem(code: .mappingPayloadSyntax, path: "$", message: "the payload is not valid JSON: \(error)"))
            }
            do {
                return try JSONDecoder().decode(JSONValue.self, from: Data(text))
            } catch {
                throw PayloadSyntaxError(Problem(code: .mappingPayloadSyntax, path: "$", message: "the payload is not valid JSON: \(PayloadFormat.jsonReason(text))"))
            }
        case .xml:
            do {
                return try XMLPayload.decode(bytes, encoding: encoding)
            } catch {
                throw PayloadSyntaxError(Problem(code: .mappingPayloadSyntax, path: "$", message: "the payload is not acceptable XML: \(error)"))
            }
        }
    }

    /// Why JSON is broken, located. `JSONDecoder` only says that it is; `JSONSerialization` says
    /// "around character N" (a byte offset), turned here into a line and column.
    static func jsonReason(_ bytes: [UInt8]) -> String {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            return "not a JSON value"
        } catch {
            detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        }
        guard let range = detail.range(of: #"character [0-9]+"#, options: .regularExpression),
              let offset = Int(detail[range].dropFirst("character ".count)) else { return detail }
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return "line \(line), column \(column): \(detail)"
    }
}
