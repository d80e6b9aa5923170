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
    /// Objects and arrays (or elements) nesting deeper than `maxDepth` are refused as they are met.
    public func decode(
        _ bytes: [UInt8], encoding: PayloadEncoding = .utf8, maxDepth: Int = PlatformMapping.defaultMaxDepth
    ) throws(PayloadSyntaxError) -> JSONValue {
        switch self {
        case .json:
            let text: [UInt8]
            do {
                text = try encoding.utf8(bytes)
            } catch {
                throw PayloadSyntaxError(Problem(code: .mappingPayloadSyntax, path: "$", message: "the payload is not valid JSON: \(error)"))
            }
            do {
                return try JSONReader(maxDepth: maxDepth).read(text)
            } catch {
                throw PayloadSyntaxError(Problem(code: .mappingPayloadSyntax, path: "$", message: "the payload is not acceptable JSON: \(error)"))
            }
        case .xml:
            do {
                return try XMLPayload.decode(bytes, encoding: encoding, maximumDepth: maxDepth)
            } catch {
                throw PayloadSyntaxError(Problem(code: .mappingPayloadSyntax, path: "$", message: "the payload is not acceptable XML: \(error)"))
            }
        }
    }
}
