import Foundation
import ShuniuCore
import ShuniuSpec
import Yams

/// Reads and checks a destination mapping file: every problem with its line — unknown keys,
/// references the records do not have, datasets or fields the spec does not have, unknown
/// transforms, answers that name no outcome.
public enum DestinationFormatLoader {
    public static func load(file: String, spec: DataSpec) throws -> DestinationFormatFile {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "cannot read the destination mapping file")])
        }
        return try parse(text, file: file, spec: spec)
    }

    public static func parse(_ text: String, file: String, spec: DataSpec) throws -> DestinationFormatFile {
        var problems: [Diagnostic] = []
        func report(_ node: Node?, _ message: String) {
            problems.append(Diagnostic(file: file, line: node?.mark?.line, message: message))
        }
        let (root, top) = try MappingLoader.topMapping(text, file: file, what: "a destination mapping file")
        MappingLoader.checkKeys(top, known: [
            "format", "version", "body", "encoding", "perRequest", "contentType", "headers", "sign", "path", "token", "requires", "cannotCarry",
            "request", "record", "datasets", "answer",
        ], path: "", report: report)

        let name = top["format"]?.string ?? ""
        let expected = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if name.isEmpty || !name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) {
            report(top["format"] ?? root, "'format' must be the format's name in [a-z0-9-] (destinations choose it by this name)")
        } else if file.hasSuffix(".yaml") && name != expected {
            report(top["format"], "'format' is \(name) but the file is named \(expected).yaml: name the file after its format")
        }
        let version = top["version"]?.string ?? ""
        if version.isEmpty { report(top["version"] ?? root, "'version' is required (shown by shuniu mappings check)") }
        let body = choice(top["body"], default: DestinationFormatFile.Body.json, key: "body", report: report)
        var encoding = PayloadEncoding.utf8
        if let node = top["encoding"] {
            if let chosen = node.string.flatMap(PayloadEncoding.init(name:)) { encoding = chosen } else {
                report(node, "'encoding' must be one of \(PayloadEncoding.names) (the character encoding of the requests)")
            }
        }
        var recordPerRequest = false
        if let node = top["perRequest"] {
            switch node.string {
            case "record": recordPerRequest = true
            case "batch": recordPerRequest = false
            default: report(node, "'perRequest' must be record (one record per request) or batch")
            }
        }
        var signed = true
        if let node = top["sign"] {
            switch node.string {
            case "hub": signed = true
            case "none": signed = false
            default: report(node, "'sign' must be hub (the hub's signature headers, when the destination has a key and secret) or none")
            }
        }
        let contentType = top["contentType"]?.string ?? (body == .json ? "application/json" : "application/xml; charset=\(encoding == .utf8 ? "utf-8" : "GB18030")")
        var headers: [(String, OutputValue)] = []
        if let node = top["headers"] {
            if let pairs = node.mapping {
                for (key, value) in pairs {
                    if let name = key.string, let parsed = readValue(value, at: "headers.\(name)", spec: spec, report: report) { headers.append((name, parsed)) }
                }
            } else {
                report(node, "'headers' must map header names to values")
            }
        }
        let path = top["path"].flatMap { readValue($0, at: "path", spec: spec, report: report) }
        if let path, !recordPerRequest, let named = firstRecordReference(in: .value(path)) {
            report(top["path"], "'path' names \(named): a batch request has no one record (use perRequest: record)")
        }
        var requires = top["requires"]?.sequence?.compactMap(\.string) ?? []
        var token: TokenKind?
        if let node = top["token"] {
            if let kind = node.string.flatMap(TokenKind.init(rawValue:)) {
                token = kind
                // What the hub makes the token from.
                for setting in ["systemNo", "secretFile"] where !requires.contains(setting) { requires.append(setting) }
            } else {
                report(node, "'token' must be one of \(TokenKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let cannotCarry = top["cannotCarry"]?.sequence?.compactMap(\.string) ?? []

        var request: OutputTemplate = .records
        if let node = top["request"] {
            request = readTemplate(node, at: "request", spec: spec, report: report) ?? .records
        } else {
            report(root, "'request' is required: the body of a request, with $records where the records go")
        }
        if !contains(request, where: { if case .records = $0 { return true } else { return false } }) {
            report(top["request"] ?? root, "'request' must say where the records go ($records)")
        }
        if !recordPerRequest, let named = firstRecordReference(in: request) {
            report(top["request"], "'request' names \(named) outside $records: a batch request has no one record (use perRequest: record, or move it into 'record')")
        }
        let record = top["record"].flatMap { readTemplate($0, at: "record", spec: spec, report: report) }
        var datasets: [DatasetID: OutputTemplate] = [:]
        if let node = top["datasets"] {
            for (key, value) in node.mapping ?? [:] {
                guard let text = key.string, spec.dataset(DatasetID(rawValue: text)) != nil else {
                    report(key, "'datasets': \(key.string ?? "?") is not a dataset of the spec")
                    continue
                }
                if let template = readTemplate(value, at: "datasets.\(text)", spec: spec, report: report) { datasets[DatasetID(rawValue: text)] = template }
            }
        }
        if record == nil && datasets.isEmpty { report(root, "give 'record' (every dataset) or 'datasets' (the datasets the format carries)") }
        let answer = readAnswer(top["answer"], spec: spec, report: report)
        if token == nil, contains(request, where: { template in
            if case .value(let value) = template { return Self.names(value, .token) }
            return false
        }) || headers.contains(where: { Self.names($0.1, .token) }) {
            report(top["request"], "$token is named but the file gives no 'token' (the kind of token the hub makes)")
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return DestinationFormatFile(
            name: name, version: version, body: body, encoding: encoding, recordPerRequest: recordPerRequest, contentType: contentType,
            headers: headers, signed: signed, path: path, request: request, record: record, datasets: datasets, answer: answer,
            cannotCarry: cannotCarry, requiredSettings: requires, token: token, file: file
        )
    }

    // MARK: Templates

    private static let valueKeys: Set<String> = ["value", "const", "concat", "fill", "map", "default", "transform", "absent"]

    static func readTemplate(_ node: Node, at path: String, spec: DataSpec, report: (Node?, String) -> Void) -> OutputTemplate? {
        if let sequence = node.sequence {
            return .list(sequence.enumerated().compactMap { readTemplate($0.element, at: "\(path)[\($0.offset)]", spec: spec, report: report) })
        }
        if let mapping = node.mapping {
            let keys = Set(mapping.keys.compactMap(\.string))
            if keys == ["document"], let inner = mapping["document"] {
                return readTemplate(inner, at: path + ".document", spec: spec, report: report).map(OutputTemplate.document)
            }
            if !keys.isDisjoint(with: ["value", "const", "concat"]) {
                return readValue(node, at: path, spec: spec, report: report).map(OutputTemplate.value)
            }
            return .members(mapping.compactMap { key, value in
                guard let name = key.string, !name.isEmpty else {
                    report(key, "'\(path)': a member needs a name")
                    return nil
                }
                // Every field of the record among other members (an XML context with a trailer).
                if name == "$fields" { return (name, .fields) }
                return readTemplate(value, at: "\(path).\(name)", spec: spec, report: report).map { (name, $0) }
            })
        }
        switch node.string {
        case "$records": return .records
        case "$fields": return .fields
        default: return readValue(node, at: path, spec: spec, report: report).map(OutputTemplate.value)
        }
    }

    static func readValue(_ node: Node, at path: String, spec: DataSpec, report: (Node?, String) -> Void) -> OutputValue? {
        let line = node.mark?.line
        if let text = node.string, node.mapping == nil {
            return source(text, node: node, at: path, report: report).map {
                OutputValue(source: $0, valueMap: nil, defaultValue: nil, transforms: [], absent: .omit, line: line)
            }
        }
        guard let mapping = node.mapping else {
            report(node, "'\(path)' must be a value: $reference, a constant, or {value: …, map: …, transform: …}")
            return nil
        }
        MappingLoader.checkKeys(mapping, known: valueKeys, path: path + ".", report: report)
        var value = OutputValue(source: .constant(""), valueMap: nil, defaultValue: mapping["default"]?.string, transforms: [], absent: .omit, line: line)
        if let constant = mapping["const"]?.string {
            value.source = .constant(constant)
        } else if let parts = mapping["concat"]?.sequence {
            var fill: Int?
            if let fillNode = mapping["fill"] {
                fill = fillNode.int
                if (fill ?? 0) <= 0 { report(fillNode, "'\(path).fill' must be a whole number of characters") }
            }
            value.source = .concat(parts.enumerated().compactMap { readValue($0.element, at: "\(path).concat[\($0.offset)]", spec: spec, report: report) }, fill: fill)
        } else if let reference = mapping["value"], let text = reference.string, let found = source(text, node: reference, at: path, report: report) {
            value.source = found
        } else {
            report(node, "'\(path)' needs value, const or concat")
            return nil
        }
        if let mapNode = mapping["map"] {
            guard let pairs = mapNode.mapping else {
                report(mapNode, "'\(path).map' must map the hub's values to the upstream's")
                return nil
            }
            value.valueMap = Dictionary(pairs.compactMap { key, target in key.string.flatMap { k in target.string.map { (k, $0) } } }, uniquingKeysWith: { a, _ in a })
        }
        if let transformNode = mapping["transform"] {
            for name in transformNode.string.map({ [$0] }) ?? transformNode.sequence?.compactMap(\.string) ?? [] {
                if let transform = transform(named: name) { value.transforms.append(transform) } else {
                    report(transformNode, "'\(path).transform': unknown transform '\(name)' (a platform file's transforms, and padZeros N, prefix N)")
                }
            }
        }
        if let absentNode = mapping["absent"] {
            if let absent = absentNode.string.flatMap(OutputValue.Absent.init(rawValue:)) { value.absent = absent } else {
                report(absentNode, "'\(path).absent' must be omit, null or empty")
            }
        }
        return value
    }

    /// `$name`, `$fields.CODE`, `$settings.NAME`, or a constant.
    private static func source(_ text: String, node: Node, at path: String, report: (Node?, String) -> Void) -> OutputValue.Source? {
        guard text.hasPrefix("$") else { return .constant(text) }
        let name = String(text.dropFirst())
        if name.hasPrefix("fields."), name.count > 7 { return .reference(.field(String(name.dropFirst(7)))) }
        if name.hasPrefix("settings."), name.count > 9 { return .reference(.setting(String(name.dropFirst(9)))) }
        if let reference = OutputReference.named[name] { return .reference(reference) }
        report(node, "'\(path)': unknown reference \(text) (\(OutputReference.named.keys.sorted().map { "$" + $0 }.joined(separator: ", ")), $fields.CODE, $settings.NAME; a constant starting with $ is {const: …})")
        return nil
    }

    private static func transform(named text: String) -> OutputTransform? {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count > 1 ? Int(parts[1]) : nil) {
        case ("padZeros", let width?) where width > 0 && width <= 64: return .padZeros(width)
        case ("prefix", let count?) where count > 0: return .prefix(count)
        default: return MappingLoader.transform(named: text).map(OutputTransform.value)
        }
    }

    // MARK: Checks over a template

    /// True when `value` names `reference`, in itself or in a part.
    static func names(_ value: OutputValue, _ reference: OutputReference) -> Bool {
        switch value.source {
        case .constant: return false
        case .reference(let named): return named == reference
        case .concat(let parts, _): return parts.contains { names($0, reference) }
        }
    }

    private static func contains(_ template: OutputTemplate, where test: (OutputTemplate) -> Bool) -> Bool {
        if test(template) { return true }
        switch template {
        case .members(let members): return members.contains { contains($0.template, where: test) }
        case .list(let items): return items.contains { contains($0, where: test) }
        case .document(let inner): return contains(inner, where: test)
        default: return false
        }
    }

    /// The first reference to a record's facts, outside `$records`.
    private static func firstRecordReference(in template: OutputTemplate) -> String? {
        func named(_ value: OutputValue) -> String? {
            switch value.source {
            case .constant: return nil
            case .concat(let parts, _): return parts.lazy.compactMap(named).first
            case .reference(let reference):
                switch reference {
                case .setting, .now, .token: return nil
                default: return "\(reference)"
                }
            }
        }
        switch template {
        case .members(let members): return members.lazy.compactMap { firstRecordReference(in: $0.template) }.first
        case .list(let items): return items.lazy.compactMap(firstRecordReference).first
        case .document(let inner): return firstRecordReference(in: inner)
        case .value(let value): return named(value)
        case .fields: return "$fields"
        case .records: return nil
        }
    }

    // MARK: The answer

    private static func readAnswer(_ node: Node?, spec: DataSpec, report: (Node?, String) -> Void) -> AnswerRule {
        var rule = AnswerRule(syntax: .json, unwrap: nil, perRecord: nil, match: nil, status: nil, code: nil, message: nil, outcomes: [], unreadable: nil)
        guard let node else { return rule }
        guard let mapping = node.mapping else {
            report(node, "'answer' must be a mapping")
            return rule
        }
        MappingLoader.checkKeys(mapping, known: ["syntax", "unwrap", "perRecord", "match", "status", "code", "message", "outcomes", "unreadable"], path: "answer.", report: report)
        rule.syntax = choice(mapping["syntax"], default: AnswerRule.Syntax.json, key: "answer.syntax", report: report)
        rule.unwrap = mapping["unwrap"]?.string
        func path(_ key: String) -> PayloadPath? {
            guard let node = mapping[key] else { return nil }
            guard let path = node.string.flatMap(PayloadPath.init) else {
                report(node, "'answer.\(key)' is not a path")
                return nil
            }
            return path
        }
        (rule.perRecord, rule.match, rule.status, rule.message) = (path("perRecord"), path("match"), path("status"), path("message"))
        rule.code = path("code")
        if (rule.perRecord == nil) != (rule.match == nil) { report(node, "'answer.perRecord' and 'answer.match' go together") }
        if let unreadable = mapping["unreadable"] {
            rule.unreadable = choice(unreadable, default: AnswerRule.Kind.retry, key: "answer.unreadable", report: report)
        }
        for (index, outcome) in (mapping["outcomes"]?.sequence ?? []).enumerated() {
            guard let fields = outcome.mapping else {
                report(outcome, "'answer.outcomes[\(index)]' must be {status: …, messageContains: …, is: …}")
                continue
            }
            MappingLoader.checkKeys(fields, known: ["status", "code", "messageContains", "is"], path: "answer.outcomes[\(index)].", report: report)
            guard let kind = fields["is"]?.string.flatMap(AnswerRule.Kind.init(rawValue:)) else {
                report(fields["is"] ?? outcome, "'answer.outcomes[\(index)].is' must be one of \(AnswerRule.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            rule.outcomes.append(.init(status: fields["status"]?.string, code: fields["code"]?.string, messageContains: fields["messageContains"]?.string, answer: kind))
        }
        if !rule.outcomes.isEmpty && rule.status == nil && rule.code == nil && rule.message == nil {
            report(node, "'answer.outcomes' need 'answer.status', 'answer.code' or 'answer.message' to read")
        }
        return rule
    }

    private static func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: Node?, default fallback: Choice, key: String, report: (Node?, String) -> Void
    ) -> Choice where Choice.RawValue == String {
        guard let node else { return fallback }
        if let chosen = node.string.flatMap(Choice.init(rawValue:)) { return chosen }
        report(node, "'\(key)' must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        return fallback
    }
}
