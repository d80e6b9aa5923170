import Foundation
import ShuniuCore
import ShuniuSpec
import Yams

/// Reads and checks a mapping file: every problem with its line — unknown keys, bad paths,
/// unknown transforms, datasets or fields the spec does not have.
public enum MappingLoader {
    public static func load(file: String, spec: DataSpec) throws -> PlatformMapping {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "cannot read the mapping file")])
        }
        return try parse(text, file: file, spec: spec)
    }

    public static func parse(_ text: String, file: String, spec: DataSpec) throws -> PlatformMapping {
        var problems: [Diagnostic] = []
        func report(_ node: Node?, _ message: String) {
            problems.append(Diagnostic(file: file, line: node?.mark?.line, message: message))
        }
        let (root, top) = try topMapping(text, file: file, what: "a mapping file")
        checkKeys(top, known: ["platform", "version", "format", "encoding", "maxDepth", "records"], path: "", report: report)
        let platformText = top["platform"]?.string
        let platform = platformText.flatMap(PlatformID.init(rawValue:))
        if platform == nil { report(top["platform"] ?? root, "'platform' must be the 11-character 交易平台标识码") }
        let version = top["version"]?.string ?? ""
        if version.isEmpty { report(top["version"] ?? root, "'version' is required (stored with every mapped record)") }
        var format = PayloadFormat.json
        if let formatNode = top["format"] {
            if let chosen = formatNode.string.flatMap(PayloadFormat.init(rawValue:)) { format = chosen } else {
                report(formatNode, "'format' must be one of \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", ")) (how the platform writes its payloads)")
            }
        }
        var encoding = PayloadEncoding.utf8
        if let encodingNode = top["encoding"] {
            if let chosen = encodingNode.string.flatMap(PayloadEncoding.init(name:)) { encoding = chosen } else {
                report(encodingNode, "'encoding' must be one of \(PayloadEncoding.names) (the character encoding of the platform's payloads)")
            }
        }
        var maxDepth = PlatformMapping.defaultMaxDepth
        if let depthNode = top["maxDepth"] {
            if let chosen = depthNode.int, (1...PlatformMapping.maxDepthCeiling).contains(chosen) { maxDepth = chosen } else {
                report(depthNode, "'maxDepth' must be a whole number from 1 to \(PlatformMapping.maxDepthCeiling) (how deep the payload's objects and arrays may nest)")
            }
        }
        var records: [RecordMapping] = []
        if let list = top["records"]?.sequence {
            for (index, node) in list.enumerated() {
                if let record = readRecord(node, index: index, spec: spec, report: report) { records.append(record) }
            }
        } else {
            report(top["records"] ?? root, "'records' must be a list")
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        guard let platform else { throw DiagnosticsError(problems) }
        return PlatformMapping(platform: platform, version: version, format: format, encoding: encoding, maxDepth: maxDepth, records: records, file: file)
    }

    /// The file's YAML tree and its top mapping, or the one problem that stops it being read.
    static func topMapping(_ text: String, file: String, what: String) throws -> (Node, Node.Mapping) {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "the file is empty")]) }
            root = node
        } catch let error as DiagnosticsError {
            throw error
        } catch {
            throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "not valid YAML: \(error)")])
        }
        guard let top = root.mapping else { throw DiagnosticsError([Diagnostic(file: file, line: root.mark?.line, message: "\(what) is a mapping")]) }
        return (root, top)
    }

    static func checkKeys(_ mapping: Node.Mapping, known: Set<String>, path: String, report: (Node?, String) -> Void) {
        for key in mapping.keys where !known.contains(key.string ?? "") {
            report(key, "unknown key '\(path)\(key.string ?? "?")' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    static func readRecord(_ node: Node, index: Int, spec: DataSpec, report: (Node?, String) -> Void) -> RecordMapping? {
        let where_ = "records[\(index)]"
        guard let mapping = node.mapping else { report(node, "'\(where_)' must be a mapping"); return nil }
        checkKeys(mapping, known: ["dataset", "from", "when", "fields"], path: where_ + ".", report: report)
        guard let datasetText = mapping["dataset"]?.string, let dataset = spec.dataset(DatasetID(rawValue: datasetText)) else {
            report(mapping["dataset"] ?? node, "'\(where_).dataset' must be a dataset of the spec (\(spec.datasets.keys.sorted().map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        var from: PayloadPath?
        if let fromNode = mapping["from"] {
            from = fromNode.string.flatMap(PayloadPath.init)
            if from == nil { report(fromNode, "'\(where_).from' is not a payload path") }
        }
        var condition: RecordMapping.Condition?
        if let whenNode = mapping["when"] {
            if let path = whenNode.mapping?["path"]?.string.flatMap(PayloadPath.init), let equals = whenNode.mapping?["equals"]?.string {
                condition = .init(path: path, equals: equals)
            } else {
                report(whenNode, "'\(where_).when' must be {path: …, equals: …}")
            }
        }
        var fields: [(String, FieldMapping)] = []
        guard let fieldNodes = mapping["fields"]?.mapping else {
            report(mapping["fields"] ?? node, "'\(where_).fields' must map spec field codes to payload paths")
            return nil
        }
        for (keyNode, valueNode) in fieldNodes {
            let code = keyNode.string ?? ""
            // DATA_KEY (the platform's own id of the record) and DATA_TYPE (1 insert, 2 update,
            // 3 delete) travel beside the fields, as the spec's envelope carries them.
            guard dataset.field(code) != nil || code == DataKey.fieldName || code == DataKey.operationFieldName else {
                report(keyNode, "\(code) is not a field of dataset \(dataset.dataset) \(dataset.label)")
                continue
            }
            if let field = readField(valueNode, at: "\(where_).fields.\(code)", report: report) { fields.append((code, field)) }
        }
        if dataset.identifiedByDataKey && !fields.contains(where: { $0.0 == DataKey.fieldName }) {
            report(mapping["fields"] ?? node, "dataset \(dataset.dataset) \(dataset.label) is identified by the platform's own record id: '\(where_).fields' must map DATA_KEY")
        }
        return RecordMapping(dataset: dataset.dataset, from: from, when: condition, fields: fields, line: node.mark?.line)
    }

    static func readField(_ node: Node, at where_: String, report: (Node?, String) -> Void) -> FieldMapping? {
        if let text = node.string {
            guard let path = PayloadPath(text) else { report(node, "'\(where_)': '\(text)' is not a payload path"); return nil }
            return FieldMapping(path: path, transforms: [], line: node.mark?.line)
        }
        guard let mapping = node.mapping else { report(node, "'\(where_)' must be a path or a mapping"); return nil }
        checkKeys(mapping, known: ["path", "const", "map", "default", "transform"], path: where_ + ".", report: report)
        var field = FieldMapping(transforms: [], line: node.mark?.line)
        if let pathNode = mapping["path"] {
            field.path = pathNode.string.flatMap(PayloadPath.init)
            if field.path == nil { report(pathNode, "'\(where_).path' is not a payload path") }
        }
        field.constant = mapping["const"]?.string
        field.defaultValue = mapping["default"]?.string
        if (field.path == nil) == (field.constant == nil) && mapping["path"] == nil {
            report(node, "'\(where_)' needs a path or a const")
        }
        if let mapNode = mapping["map"] {
            guard let pairs = mapNode.mapping else { report(mapNode, "'\(where_).map' must map the platform's values to the spec's"); return nil }
            field.valueMap = Dictionary(pairs.compactMap { key, value in key.string.flatMap { k in value.string.map { (k, $0) } } }, uniquingKeysWith: { a, _ in a })
        }
        if let transformNode = mapping["transform"] {
            let names = transformNode.string.map { [$0] } ?? transformNode.sequence?.compactMap(\.string) ?? []
            for name in names {
                if let transform = transform(named: name) { field.transforms.append(transform) } else {
                    report(transformNode, "'\(where_).transform': unknown transform '\(name)' (trim, halfWidth, upperCase, epochSeconds, epochMilliseconds, dateTime FORMAT, date FORMAT, wanToYuan, yuanToWan, bitToTF, tfToBit, join, split SEPARATOR)")
                }
            }
        }
        return field
    }

    static func transform(named text: String) -> ValueTransform? {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count > 1 ? parts[1] : nil) {
        case ("trim", nil): return .trim
        case ("halfWidth", nil): return .halfWidth
        case ("upperCase", nil): return .upperCase
        case ("epochSeconds", nil): return .epochSeconds
        case ("epochMilliseconds", nil): return .epochMilliseconds
        case ("dateTime", let format?): return DatePattern(format) == nil ? nil : .dateTime(format: format)
        case ("date", let format?): return DatePattern(format) == nil ? nil : .date(format: format)
        case ("wanToYuan", nil): return .wanToYuan
        case ("yuanToWan", nil): return .yuanToWan
        case ("bitToTF", nil): return .bitToTF
        case ("tfToBit", nil): return .tfToBit
        case ("join", nil): return .joinList(separator: nil)
        case ("split", let separator?): return .joinList(separator: separator)
        default: return nil
        }
    }
}
