import Foundation
import ShuniuCore
import ShuniuSpec

/// Puts versions in a destination's format (its mapping file), with the destination's settings
/// (`formatSettings:`): the requests to send, and what the upstream's answers mean.
public struct DestinationRenderer: DeliveryFormat {
    public let format: DestinationFormatFile
    public let settings: [String: String]
    let spec: DataSpec
    let now: @Sendable () -> Date
    /// Makes the format's token (``DestinationFormatFile/token``) for a request sent at the given time.
    let token: (@Sendable (Date) throws -> String)?

    public init(
        format: DestinationFormatFile, settings: [String: String], spec: DataSpec, token: (@Sendable (Date) throws -> String)? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.format = format
        self.settings = settings
        self.spec = spec
        self.token = token
        self.now = now
    }

    public func requests(for batch: [ClaimedDelivery], sendingAs operations: [Int64: RecordOperation]) -> DeliveryRendering {
        var rendered: [(delivery: ClaimedDelivery, item: RenderedNode, operation: RecordOperation, context: RenderContext)] = []
        var failures: [DeliveryFormatError] = []
        for delivery in batch {
            let operation = operations[delivery.id] ?? delivery.version.operation
            do throws(RenderProblem) {
                let context = RenderContext(delivery: delivery, operation: operation, settings: settings, spec: spec, now: now(), token: token)
                guard let template = format.template(for: delivery.version.dataset) else {
                    throw RenderProblem("format \(format.name) carries no record of dataset \(delivery.version.dataset) (\(context.datasetSpec?.label ?? "unknown"))")
                }
                rendered.append((delivery, try context.render(template, in: format.body) ?? .null, operation, context))
            } catch {
                failures.append(DeliveryFormatError(deliveryID: delivery.id, message: "cannot put \(delivery.version.dataset)/\(delivery.version.businessKey) v\(delivery.version.version) in format \(format.name): \(error.message)"))
            }
        }
        let groups = format.recordPerRequest ? rendered.map { [$0] } : (rendered.isEmpty ? [] : [rendered])
        var requests: [DeliveryRequest] = []
        for group in groups {
            do throws(RenderProblem) {
                // A request of one record may name its facts outside the record (a SOAP title).
                let context = group.count == 1
                    ? group[0].context
                    : RenderContext(delivery: nil, operation: nil, settings: settings, spec: spec, now: now(), token: token)
                let body = try context.render(format.request, in: format.body, records: group.map(\.item)) ?? .null
                var headers = [(name: "Content-Type", value: format.contentType)]
                for (name, value) in format.headers {
                    if let text = try context.text(of: value) { headers.append((name, text)) }
                }
                var path: String?
                if let value = format.path { path = try context.text(of: value) }
                requests.append(DeliveryRequest(
                    deliveries: group.map(\.delivery), body: try encoded(body), headers: headers, signed: format.signed,
                    operations: Dictionary(uniqueKeysWithValues: group.map { ($0.delivery.id, $0.operation) }),
                    path: path
                ))
            } catch {
                failures += group.map { DeliveryFormatError(deliveryID: $0.delivery.id, message: "cannot make a request of format \(format.name): \(error.message)") }
            }
        }
        return DeliveryRendering(requests: requests, failures: failures)
    }

    /// The body's bytes, in the format's syntax and encoding.
    private func encoded(_ body: RenderedNode) throws(RenderProblem) -> [UInt8] {
        let text: String
        switch format.body {
        case .json: text = body.jsonText
        case .xml: text = try body.xmlDocument(declaration: format.encoding == .utf8 ? "UTF-8" : "GB18030")
        }
        switch format.encoding {
        case .utf8:
            return Array(text.utf8)
        case .gb18030:
            do {
                return try GB18030Transcoder.gb18030(fromUTF8: Array(text.utf8))
            } catch {
                throw RenderProblem(error.reason)
            }
        }
    }

    /// A body this format made, as text to show (GB 18030 as the characters it encodes).
    public func text(of body: [UInt8]) -> String {
        guard format.encoding == .gb18030, let utf8 = try? GB18030Transcoder.utf8(from: body) else { return String(decoding: body, as: UTF8.self) }
        return String(decoding: utf8, as: UTF8.self)
    }

    public func answers(_ body: [UInt8], to request: DeliveryRequest) -> [Int64: DeliveryAnswer] {
        AnswerReader(rule: format.answer).answers(body, to: request)
    }
}
