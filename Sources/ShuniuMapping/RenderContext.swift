import Foundation
import ShuniuCore
import ShuniuSpec

/// What a template is rendered with: one delivery (absent for the frame of a batch), what it is
/// sent as, the destination's settings, the spec, and the time of sending.
struct RenderContext {
    let delivery: ClaimedDelivery?
    let operation: RecordOperation?
    let settings: [String: String]
    let spec: DataSpec
    let now: Date
    /// Makes the format's token for a request sent now.
    let token: (@Sendable (Date) throws -> String)?
    /// The record's fields, read once (canonical JSON, small).
    private let fields: [String: JSONValue]

    init(
        delivery: ClaimedDelivery?, operation: RecordOperation?, settings: [String: String], spec: DataSpec, now: Date,
        token: (@Sendable (Date) throws -> String)? = nil
    ) {
        self.delivery = delivery
        self.operation = operation
        self.settings = settings
        self.spec = spec
        self.now = now
        self.token = token
        if let delivery, case .object(let fields)? = try? JSONReader(maxDepth: 4).read(Array(delivery.version.normalizedPayload.utf8)) {
            self.fields = fields
        } else {
            self.fields = [:]
        }
    }

    var datasetSpec: DatasetSpec? { delivery.flatMap { spec.dataset($0.version.dataset) } }

    /// The node `template` makes, or nil when it makes nothing (an absent value left out).
    func render(_ template: OutputTemplate, in body: DestinationFormatFile.Body, records: [RenderedNode] = []) throws(RenderProblem) -> RenderedNode? {
        switch template {
        case .members(let members):
            var rendered: [RenderedNode.Member] = []
            for member in members {
                if case .records = member.template, body == .xml {
                    // In XML the records are the member repeated: one element per record.
                    rendered.append(.init(name: member.name, node: .list(records)))
                } else if member.name == "$fields" {
                    // The fields spliced among the other members.
                    guard body == .xml, case .members(let fields) = try fieldsNode(in: body) else {
                        throw RenderProblem("a $fields member splices fields into an XML element; in JSON, give $fields a name of its own")
                    }
                    rendered += fields
                } else if let node = try render(member.template, in: body, records: records) {
                    rendered.append(.init(name: member.name, node: node))
                }
            }
            return .members(rendered)
        case .list(let items):
            var rendered: [RenderedNode] = []
            for item in items {
                if let node = try render(item, in: body, records: records) { rendered.append(node) }
            }
            return .list(rendered)
        case .value(let value):
            return try node(of: value)
        case .records:
            return .list(records)
        case .fields:
            return try fieldsNode(in: body)
        case .document(let inner):
            guard let node = try render(inner, in: .xml, records: records) else { return nil }
            return .text(try node.xmlDocument(declaration: nil))
        }
    }

    /// Every field: the stored canonical JSON, or one element per field in the spec's order.
    private func fieldsNode(in body: DestinationFormatFile.Body) throws(RenderProblem) -> RenderedNode {
        guard let delivery else { throw RenderProblem("the record's fields are named outside a record") }
        switch body {
        case .json:
            return .json(delivery.version.normalizedPayload)
        case .xml:
            let fields = fields
            let order = datasetSpec?.fields.map(\.code) ?? fields.keys.sorted()
            let known = Set(order)
            return .members((order + fields.keys.sorted().filter { !known.contains($0) }).compactMap { code in
                Self.text(fields[code]).map { RenderedNode.Member(name: code, node: .text($0)) }
            })
        }
    }

    /// A value as text, for headers and joins: nil when absent and left out.
    func text(of value: OutputValue) throws(RenderProblem) -> String? {
        switch try node(of: value) {
        case .text(let text)?, .number(let text)?, .json(let text)?: return text
        case .null?: return ""
        default: return nil
        }
    }

    func node(of value: OutputValue) throws(RenderProblem) -> RenderedNode? {
        var found: RenderedNode?
        switch value.source {
        case .constant(let text):
            found = .text(text)
        case .reference(let reference):
            found = try node(of: reference)
        case .concat(let parts, let fill):
            var texts: [String] = []
            for part in parts { texts.append(try text(of: part) ?? "") }
            if let fill, let last = texts.indices.last {
                let others = texts.dropLast().reduce(0) { $0 + $1.count }
                guard others + texts[last].count <= fill else {
                    throw RenderProblem("line \(value.line ?? 0): '\(texts.joined())' is longer than \(fill) characters")
                }
                texts[last] = String(repeating: "0", count: fill - others - texts[last].count) + texts[last]
            }
            found = .text(texts.joined())
        }
        if case .text(let text)? = found, let map = value.valueMap {
            found = map[text].map(RenderedNode.text) ?? value.defaultValue.map(RenderedNode.text)
            if found == nil { throw RenderProblem("'\(text)' has no translation in the map at line \(value.line ?? 0)") }
        }
        if found == nil, let fallback = value.defaultValue { found = .text(fallback) }
        guard var result = found else {
            switch value.absent {
            case .omit: return nil
            case .null: return .null
            case .empty: return .text("")
            }
        }
        if !value.transforms.isEmpty {
            var text: String
            switch result {
            case .text(let value), .number(let value): text = value
            default: throw RenderProblem("line \(value.line ?? 0): only a single value can be transformed")
            }
            for transform in value.transforms {
                switch transform {
                case .value(let step):
                    switch step.apply(text) {
                    case .success(let next): text = next
                    case .failure(let problem): throw RenderProblem("line \(value.line ?? 0): \(problem.message)")
                    }
                case .padZeros(let width):
                    text = String(repeating: "0", count: max(0, width - text.count)) + text
                case .prefix(let count):
                    text = String(text.prefix(count))
                }
            }
            result = .text(text)
        }
        return result
    }

    private func node(of reference: OutputReference) throws(RenderProblem) -> RenderedNode? {
        if case .setting(let name) = reference { return settings[name].map(RenderedNode.text) }
        if case .now = reference { return .text(SpecTime.text(now)) }
        if case .token = reference {
            guard let token else { throw RenderProblem("the format's token cannot be made (no token maker)") }
            do {
                return .text(try token(now))
            } catch {
                throw RenderProblem("the token cannot be made: \(error)")
            }
        }
        guard let delivery else { throw RenderProblem("a record's facts are named outside a record (a batch request's frame)") }
        let version = delivery.version
        switch reference {
        case .dataset: return .text(version.dataset.rawValue)
        case .datasetName: return datasetSpec.map { .text($0.name) }
        case .datasetLabel: return datasetSpec.map { .text($0.label) }
        case .key: return .text(version.businessKey)
        case .version: return .number(String(version.version))
        case .hubId: return .number(String(version.hubId))
        case .sequence: return .number(String(version.sequence))
        case .dataKey: return version.dataKey.map(RenderedNode.text)
        case .operation: return .text((operation ?? version.operation).rawValue)
        case .operationCode:
            switch operation ?? version.operation {
            case .insert: return .text("1")
            case .update: return .text("2")
            case .delete: return .text("3")
            }
        case .sourcePlatform: return .text(version.sourcePlatform)
        case .regionCode: return version.regionCode.map(RenderedNode.text)
        case .specVersion: return .text(version.specVersion)
        case .contentHash: return .text(version.contentHash)
        case .receivedAt: return .text(version.receivedAt.formatted(.iso8601))
        case .receivedTime: return .text(SpecTime.text(version.receivedAt))
        case .idempotencyKey: return .text(delivery.idempotencyKey)
        case .flags: return Self.canonical(version.flags)
        case .extra: return Self.canonical(version.extra)
        case .fieldsObject: return .json(version.normalizedPayload)
        case .field(let code): return Self.text(fields[code]).map(RenderedNode.text)
        case .setting, .now, .token: return nil
        }
    }

    /// Stored JSON text written canonically, as every reader gets it; nil when absent or unreadable.
    static func canonical(_ stored: String?) -> RenderedNode? {
        guard let stored, let value = try? JSONReader(maxDepth: 8).read(Array(stored.utf8)) else { return nil }
        return .json(value.canonicalText)
    }

    /// A field's value as text: strings as they are, numbers and booleans written out; nil when absent or null.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .number?, .bool?: return value.map { $0.canonicalText }
        default: return nil
        }
    }
}
