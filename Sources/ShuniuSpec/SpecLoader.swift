import Foundation
import ShuniuCore
import Yams

/// Loads `Mappings/spec/`: `spec.yaml` (the version), `datasets/*.yaml`, `codelists/*.yaml`,
/// `regions/*.tsv` and `calendar/*.yaml`. Every problem in every file is reported, with its line.
public enum SpecLoader {
    struct Manifest: Decodable {
        var version: String
        var edition: String?
    }

    /// The first line of a file `Ops/spec/generate-datasets.py` wrote.
    static let generatedHeader = "# Generated from the reference tables"

    public static func load(directory: String) throws -> DataSpec {
        var diagnostics: [Diagnostic] = []
        let manifestPath = (directory as NSString).appendingPathComponent("spec.yaml")
        let manifest: Manifest? = decode(Manifest.self, file: manifestPath, into: &diagnostics)

        var codeLists: [String: CodeList] = [:]
        for file in files(in: directory, folder: "codelists", suffix: ".yaml", into: &diagnostics) {
            if let list: CodeList = decode(CodeList.self, file: file, into: &diagnostics) {
                if codeLists[list.name] != nil {
                    diagnostics.append(Diagnostic(file: file, line: nil, message: "code list \(list.name) is defined twice"))
                }
                codeLists[list.name] = list
            }
        }

        var regions = RegionTable(names: [:])
        for file in files(in: directory, folder: "regions", suffix: ".tsv", into: &diagnostics) {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            let (table, bad) = RegionTable.parse(text)
            regions.merge(table)
            diagnostics += bad.map {
                Diagnostic(file: file, line: $0, message: "expected 'code<TAB>name' (in force) or 'code<TAB>name<TAB>first<TAB>last' (revisions as yyyyMM) with a 6-digit GB/T 2260 code")
            }
        }

        let calendar = loadCalendar(directory: directory, into: &diagnostics)
        let knownInvalid = loadKnownInvalidCodes(directory: directory, into: &diagnostics)

        var datasets: [DatasetID: DatasetSpec] = [:]
        var sources: [DatasetID: (file: String, root: Node)] = [:]
        for file in files(in: directory, folder: "datasets", suffix: ".yaml", into: &diagnostics) {
            // Read once: the text both decodes and tells, by its first line, whether the generator wrote it.
            guard let text = readText(file, into: &diagnostics),
                  var (spec, root) = decodeWithNode(DatasetSpec.self, text: text, file: file, into: &diagnostics) else { continue }
            spec.origin = text.hasPrefix(generatedHeader) ? .generated : .maintained
            diagnostics += check(spec, codeLists: codeLists, file: file, root: root)
            if datasets[spec.dataset] != nil {
                diagnostics.append(Diagnostic(file: file, line: nil, message: "dataset \(spec.dataset) is defined twice"))
            }
            datasets[spec.dataset] = spec
            sources[spec.dataset] = (file, root)
        }
        // References and deadlines name other datasets: checked once all are known.
        for (id, source) in sources.sorted(by: { $0.key < $1.key }) {
            guard let spec = datasets[id] else { continue }
            diagnostics += checkLinks(spec, datasets: datasets, file: source.file, root: source.root)
        }

        let deviationsPath = (directory as NSString).appendingPathComponent("deviations.yaml")
        var deviations: [SpecDeviation] = []
        if FileManager.default.fileExists(atPath: deviationsPath) {
            deviations = decode(SpecDeviationsFile.self, file: deviationsPath, into: &diagnostics)?.deviations ?? []
        }

        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
        return DataSpec(version: manifest?.version ?? "unknown", datasets: datasets, codeLists: codeLists, regions: regions,
                        calendar: calendar, edition: manifest?.edition, deviations: deviations, knownInvalidCodes: knownInvalid)
    }

    /// `codes/known-invalid-check.yaml`: real codes that fail their check character. The file is
    /// optional; each of its codes must fail nothing but its check character.
    static func loadKnownInvalidCodes(directory: String, into diagnostics: inout [Diagnostic]) -> KnownInvalidCodes {
        let file = (directory as NSString).appendingPathComponent("codes/known-invalid-check.yaml")
        guard FileManager.default.fileExists(atPath: file),
              let (list, root) = decodeWithNode(KnownInvalidCodesFile.self, file: file, into: &diagnostics) else { return KnownInvalidCodes() }
        var entries: [KnownInvalidCodes.Entry] = []
        for (index, item) in list.codes.enumerated() {
            let line = YAMLLocator.line(in: root, at: [IndexKey("codes"), IndexKey(index)])
            if KnownInvalidCodes.kindFailingOnlyCheckCharacter(item.code) == nil {
                diagnostics.append(Diagnostic(file: file, line: line, message: "\(item.code) is not a 统一社会信用代码 or 组织机构代码 that fails only its check character"))
            } else if item.source.trimmingCharacters(in: .whitespaces).isEmpty {
                diagnostics.append(Diagnostic(file: file, line: line, message: "\(item.code) needs a source: where the code is known from"))
            } else {
                entries.append(KnownInvalidCodes.Entry(code: item.code, source: item.source))
            }
        }
        return KnownInvalidCodes(shipped: entries)
    }

    /// The holiday calendar: one file per year. A missing folder is no error (Monday to Friday
    /// is then counted); a file with a mistake is.
    static func loadCalendar(directory: String, into diagnostics: inout [Diagnostic]) -> WorkingCalendar {
        let folder = (directory as NSString).appendingPathComponent("calendar")
        guard FileManager.default.fileExists(atPath: folder) else { return .weekdaysOnly }
        var holidays: [Int: String] = [:]
        var workdays = Set<Int>()
        var years = Set<Int>()
        for file in files(in: directory, folder: "calendar", suffix: ".yaml", into: &diagnostics) {
            guard let (year, root) = decodeWithNode(CalendarFile.self, file: file, into: &diagnostics) else { continue }
            let problems = year.problems(fileName: (file as NSString).lastPathComponent)
            for problem in problems {
                let keys: [any CodingKey] = problem.path.map { part in Int(part).map(IndexKey.init) ?? IndexKey(part) }
                diagnostics.append(Diagnostic(file: file, line: YAMLLocator.line(in: root, at: keys), message: problem.message))
            }
            guard problems.isEmpty else { continue }
            if !years.insert(year.year).inserted { diagnostics.append(Diagnostic(file: file, line: nil, message: "\(year.year) has two calendar files")) }
            holidays.merge(year.restDays) { first, _ in first }
            workdays.formUnion(year.makeUpWorkdays)
        }
        return WorkingCalendar(holidays: holidays, makeUpWorkdays: workdays, years: years)
    }

    /// Checks that names inside a dataset file refer to things that exist.
    static func check(_ spec: DatasetSpec, codeLists: [String: CodeList], file: String, root: Node) -> [Diagnostic] {
        var found: [Diagnostic] = []
        func report(_ path: [String], _ message: String) {
            let keys: [any CodingKey] = path.map { part in Int(part).map(IndexKey.init) ?? IndexKey(part) }
            found.append(Diagnostic(file: file, line: YAMLLocator.line(in: root, at: keys), message: message))
        }
        var seen = Set<String>()
        for (index, field) in spec.fields.enumerated() {
            if !seen.insert(field.code).inserted { report(["fields", "\(index)"], "field \(field.code) is declared twice") }
            if field.type == .code {
                if let name = field.codeList {
                    if codeLists[name] == nil { report(["fields", "\(index)", "codeList"], "field \(field.code): no code list named \(name)") }
                } else {
                    report(["fields", "\(index)"], "field \(field.code) has type code but no codeList")
                }
            }
            if let pattern = field.pattern, FieldPattern(pattern) == nil {
                report(["fields", "\(index)", "pattern"], "field \(field.code): pattern is not a valid regular expression")
            }
        }
        for (index, key) in spec.key.enumerated() where !seen.contains(key) {
            if key == DataKey.fieldName {
                if index != spec.key.count - 1 { report(["key"], "DATA_KEY (the sender's record id) can only be the key's last member") }
            } else {
                report(["key"], "key field \(key) is not a field of dataset \(spec.dataset)")
            }
        }
        for name in spec.unique where !seen.contains(name) {
            report(["unique"], "duplicate-check field \(name) is not a field of dataset \(spec.dataset)")
        }
        if let region = spec.regionField, !seen.contains(region) {
            report(["regionField"], "region field \(region) is not a field of dataset \(spec.dataset)")
        }
        for name in spec.signature?.signerFields ?? [] where !seen.contains(name) {
            report(["signature", "signerFields"], "signer field \(name) is not a field of dataset \(spec.dataset)")
        }
        if let listing = spec.lists {
            for name in [listing.subjectField, listing.inactiveWhen?.field].compactMap({ $0 }) where !seen.contains(name) {
                report(["lists"], "listing field \(name) is not a field of dataset \(spec.dataset)")
            }
        }
        for (index, name) in spec.participants.enumerated() where !seen.contains(name) {
            report(["participants", "\(index)"], "participant field \(name) is not a field of dataset \(spec.dataset)")
        }
        if let industry = spec.industryField, !seen.contains(industry) {
            report(["industryField"], "industry field \(industry) is not a field of dataset \(spec.dataset)")
        }
        for (index, rule) in spec.rules.enumerated() {
            let names = [rule.field, rule.startsWith, rule.unlessField, rule.typeField, rule.other, rule.whenField].compactMap { $0 }
                + (rule.fields ?? []) + (rule.groupBy ?? [])
            for name in names where !seen.contains(name) {
                report(["rules", "\(index)"], "rule \(rule.rule.rawValue) names \(name), which is not a field of dataset \(spec.dataset)")
            }
            for missing in rule.rule.requiredKeys where !rule.has(missing) {
                report(["rules", "\(index)"], "rule \(rule.rule.rawValue) needs \(missing)")
            }
            if rule.rule == .sequence, let groupBy = rule.groupBy, Array(spec.key.prefix(groupBy.count)) != groupBy {
                report(["rules", "\(index)", "groupBy"], "sequence groupBy \(groupBy) must be the leading fields of the key \(spec.key)")
            }
        }
        return found
    }

    /// Checks that references and deadlines name datasets and fields that exist.
    static func checkLinks(_ spec: DatasetSpec, datasets: [DatasetID: DatasetSpec], file: String, root: Node) -> [Diagnostic] {
        var found: [Diagnostic] = []
        func report(_ path: [String], _ message: String) {
            let keys: [any CodingKey] = path.map { part in Int(part).map(IndexKey.init) ?? IndexKey(part) }
            found.append(Diagnostic(file: file, line: YAMLLocator.line(in: root, at: keys), message: message))
        }
        func checkFields(_ names: [String], _ path: [String]) {
            for name in names where spec.field(name) == nil {
                report(path, "\(name) is not a field of dataset \(spec.dataset)")
            }
        }
        func checkTarget(_ target: DatasetID, keyParts: Int, _ path: [String]) -> DatasetSpec? {
            guard let other = datasets[target] else {
                report(path + ["dataset"], "no dataset \(target) in the spec")
                return nil
            }
            if keyParts == 0 || keyParts > other.key.count {
                report(path + ["fields"], "gives \(keyParts) values but dataset \(target)'s key has \(other.key.count) fields (\(other.key.joined(separator: ", ")))")
            }
            return other
        }
        for (index, reference) in spec.references.enumerated() {
            let path = ["references", "\(index)"]
            checkFields(reference.fields + [reference.unlessField, reference.notBefore?.field].compactMap { $0 }, path)
            let other = checkTarget(reference.dataset, keyParts: reference.fields.count, path)
            if let comparison = reference.notBefore, let other, other.field(comparison.theirs) == nil {
                report(path + ["notBefore"], "\(comparison.theirs) is not a field of dataset \(other.dataset)")
            }
        }
        if let withdrawal = spec.withdraws {
            checkFields(withdrawal.fields, ["withdraws"])
            if let other = checkTarget(withdrawal.dataset, keyParts: withdrawal.fields.count, ["withdraws"]), withdrawal.fields.count != other.key.count {
                report(["withdraws", "fields"], "a withdrawal names the whole key of the record it withdraws: dataset \(other.dataset)'s key has \(other.key.count) fields (\(other.key.joined(separator: ", ")))")
            }
        }
        for (index, deadline) in spec.deadlines.enumerated() {
            let path = ["deadlines", "\(index)"]
            checkFields([deadline.field], path)
            if deadline.atMostDays == nil && deadline.atLeastDays == nil {
                report(path, "deadline \(deadline.id) needs atMostDays or atLeastDays")
            }
            if let target = deadline.from.dataset {
                checkFields(deadline.from.fields ?? [], path + ["from"])
                if let other = checkTarget(target, keyParts: deadline.from.fields?.count ?? 0, path + ["from"]), other.field(deadline.from.field) == nil {
                    report(path + ["from", "field"], "\(deadline.from.field) is not a field of dataset \(target)")
                }
            } else {
                checkFields([deadline.from.field], path + ["from"])
            }
        }
        return found
    }

    static func files(in directory: String, folder: String, suffix: String, into diagnostics: inout [Diagnostic]) -> [String] {
        let path = (directory as NSString).appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            diagnostics.append(Diagnostic(file: path, line: nil, message: "folder is missing or unreadable"))
            return []
        }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }

    static func decode<T: Decodable>(_ type: T.Type, file: String, into diagnostics: inout [Diagnostic]) -> T? {
        decodeWithNode(type, file: file, into: &diagnostics)?.0
    }

    public static func decodeWithNode<T: Decodable>(_ type: T.Type, file: String, into diagnostics: inout [Diagnostic]) -> (T, Node)? {
        guard let text = readText(file, into: &diagnostics) else { return nil }
        return decodeWithNode(type, text: text, file: file, into: &diagnostics)
    }

    /// A file's text; nil, told, when it is missing or not UTF-8.
    static func readText(_ file: String, into diagnostics: inout [Diagnostic]) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "file is missing or not UTF-8"))
            return nil
        }
        return text
    }

    /// `text`, the content of `file`, decoded, with its node tree for line numbers in messages.
    static func decodeWithNode<T: Decodable>(_ type: T.Type, text: String, file: String, into diagnostics: inout [Diagnostic]) -> (T, Node)? {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                diagnostics.append(Diagnostic(file: file, line: nil, message: "file is empty"))
                return nil
            }
            root = node
        } catch let error as YamlError {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "not valid YAML: \(error)"))
            return nil
        } catch {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "not valid YAML: \(error)"))
            return nil
        }
        do {
            return (try YAMLDecoder().decode(T.self, from: root), root)
        } catch let error as DecodingError {
            let (path, message) = YAMLLocator.message(for: error)
            diagnostics.append(Diagnostic(file: file, line: YAMLLocator.line(in: root, at: path), message: message))
        } catch {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "\(error)"))
        }
        return nil
    }
}

/// A coding key built from a path element, for locating nodes.
public struct IndexKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?
    public init(_ string: String) { stringValue = string; intValue = nil }
    public init(_ int: Int) { stringValue = String(int); intValue = int }
    public init?(stringValue: String) { self.init(stringValue) }
    public init?(intValue: Int) { self.init(intValue) }
}
