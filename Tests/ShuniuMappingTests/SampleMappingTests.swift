import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import Testing
@testable import ShuniuMapping

/// The sample platforms' payloads (`Ops/samples/platforms/<id>/`) against the records committed in
/// `expected/<payload>.json`. After a deliberate change, regenerate one with
/// `shuniu mappings test --platform <id> --canonical <payload> > expected/<payload>.json`
/// and read the diff before committing it.
@Suite("Sample platforms")
struct SampleMappingTests {
    let spec: DataSpec

    init() throws {
        spec = try RepositoryPaths.loadedSpec()
    }

    func engine(_ platform: String) throws -> MappingEngine {
        MappingEngine(mapping: try MappingLoader.load(file: RepositoryPaths.mappings + "/platforms/\(platform).yaml", spec: spec), spec: spec)
    }

    static func folder(_ platform: String) -> String { RepositoryPaths.root + "/Ops/samples/platforms/" + platform }

    static func payloads(_ platform: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder(platform))) ?? []
        return names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }.sorted()
    }

    func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
    }

    @Test("Every sample payload maps to its expected records, byte for byte, each valid", arguments: ["E4201000003", "E4201000004", "E4201000005"])
    func samples(platform: String) throws {
        let engine = try engine(platform)
        let payloads = Self.payloads(platform)
        #expect(!payloads.isEmpty)
        for payload in payloads {
            let trial = MappingTrial(payload: try bytes(Self.folder(platform) + "/" + payload), engine: engine)
            #expect(trial.problems.isEmpty, "\(platform)/\(payload): \(trial.problems)")
            #expect(!trial.records.isEmpty, "\(platform)/\(payload) made no record")
            let expectedFile = Self.folder(platform) + "/expected/" + (payload as NSString).deletingPathExtension + ".json"
            let expected = try #require(FileManager.default.contents(atPath: expectedFile), "missing \(expectedFile)")
            #expect(Array(trial.canonicalText.utf8) == [UInt8](expected), "\(platform)/\(payload) no longer maps to \(expectedFile):\n\(trial.canonicalText)")
        }
        // No expected file outlives its payload.
        let expectedNames = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder(platform) + "/expected")) ?? []
        #expect(Set(expectedNames) == Set(payloads.map { ($0 as NSString).deletingPathExtension + ".json" }))
    }

    @Test("One XML payload makes several records: a tender project with its sections; a publicity with its candidates")
    func severalRecords() throws {
        let engine = try engine("E4201000005")
        let project = MappingTrial(payload: try bytes(Self.folder("E4201000005") + "/tender-project.xml"), engine: engine)
        #expect(project.records.map(\.dataset) == ["501", "502", "502"])
        #expect(project.records.map(\.source) == ["$.TenderProject", "$.TenderProject.BidSection[0]", "$.TenderProject.BidSection[1]"])
        // CEB priceUnit 2 (万元) and 1 (元) become the spec's 1 and 0; the amount is kept as sent.
        #expect(project.records[1].fields["PRICE_UNIT"] == "1" && project.records[1].fields["CONTRACT_RECKON_PRICE"] == "15200.75")
        #expect(project.records[2].fields["PRICE_UNIT"] == "0" && project.records[2].fields["CONTRACT_RECKON_PRICE"] == "2860000")
        let publicity = MappingTrial(payload: try bytes(Self.folder("E4201000005") + "/win-candidate-bulletin.xml"), engine: engine)
        #expect(publicity.records.map(\.dataset) == ["511", "510", "510", "510"])
        #expect(publicity.records.dropFirst().map { $0.fields["WIN_CANDIDATE_ORDER"] } == ["1", "2", "3"])
    }

    @Test("A data mistake in an XML payload is reported at the payload's own path")
    func xmlDataMistakes() throws {
        var text = String(decoding: try bytes(Self.folder("E4201000005") + "/tender-project.xml"), as: UTF8.self)
        text = text.replacingOccurrences(of: "<contractReckonPrice>2860000.00</contractReckonPrice>", with: "<contractReckonPrice>二百八十六万</contractReckonPrice>")
            .replacingOccurrences(of: "<priceUnit>2</priceUnit>", with: "<priceUnit>3</priceUnit>")
        let trial = MappingTrial(payload: Array(text.utf8), engine: try engine("E4201000005"))
        let byPath = Dictionary(grouping: trial.problems, by: \.path)
        #expect(byPath["$.TenderProject.BidSection[1].contractReckonPrice"]?.first?.code == .fieldDecimal, "\(trial.problems)")
        #expect(byPath["$.TenderProject.BidSection[1].contractReckonPrice"]?.first?.label == "标段合同估算价")
        #expect(byPath["$.TenderProject.BidSection[0].priceUnit"]?.first?.code == .mappingValueUnmapped, "\(trial.problems)")
        #expect(trial.records.map(\.dataset) == ["501"])
    }

    @Test("A payload that is not well-formed is one mapping.payload_syntax problem, located")
    func syntaxProblems() throws {
        let xml = MappingTrial(payload: Array("<TenderProject>\n  <tenderProjectCode>E4201000005000021001</tenderProjectCode>\n</TenderProjet>".utf8), engine: try engine("E4201000005"))
        #expect(xml.problems.map(\.code) == [.mappingPayloadSyntax])
        #expect(xml.problems.first?.message.contains("line 3, column 1: </TenderProjet> does not close <TenderProject>") == true, "\(xml.problems)")
        let json = MappingTrial(payload: Array("{\n  \"数据类型\": x}".utf8), engine: try engine("E4201000004"))
        #expect(json.problems.map(\.code) == [.mappingPayloadSyntax] && json.records.isEmpty)
        #expect(json.problems.first?.message.contains("line 2, column 11") == true, "\(json.problems)")
        let unclosed = MappingTrial(payload: Array("{\"数据类型\": \"项目\"".utf8), engine: try engine("E4201000004"))
        #expect(unclosed.problems.map(\.code) == [.mappingPayloadSyntax])
        // The format is the mapping's: XML sent to a JSON platform is refused, not guessed at.
        let wrongFormat = MappingTrial(payload: Array("<项目/>".utf8), engine: try engine("E4201000004"))
        #expect(wrongFormat.problems.map(\.code) == [.mappingPayloadSyntax])
    }

    @Test("A bad format in a mapping file is reported with its line")
    func formatKey() throws {
        let yaml = """
            platform: E4201000005
            version: "1"
            format: yml
            records:
              - dataset: "500"
                from: Project
                fields:
                  PROJECT_CODE: projectCode
            """
        let error = try #require(throws: DiagnosticsError.self) { try MappingLoader.parse(yaml, file: "E4201000005.yaml", spec: spec) }
        #expect(error.diagnostics.map(\.line) == [3])
        #expect(error.diagnostics.first?.message.contains("'format' must be one of json, xml") == true, "\(error)")
        let nested = yaml.replacingOccurrences(of: "format: yml", with: "format: {type: xml}")
        let nestedError = try #require(throws: DiagnosticsError.self) { try MappingLoader.parse(nested, file: "E4201000005.yaml", spec: spec) }
        #expect(nestedError.diagnostics.map(\.line) == [3])
        let good = try MappingLoader.parse(yaml.replacingOccurrences(of: "format: yml", with: "format: xml"), file: "E4201000005.yaml", spec: spec)
        #expect(good.format == .xml)
        let defaulted = try MappingLoader.parse(yaml.replacingOccurrences(of: "format: yml\n", with: ""), file: "E4201000005.yaml", spec: spec)
        #expect(defaulted.format == .json)
    }

    @Test("A mapping file's encoding is utf-8 by default; gb18030 and its subsets' names are taken; others are reported with the line")
    func encodingKey() throws {
        let yaml = """
            platform: E4201000004
            version: "1"
            encoding: GBK
            records:
              - dataset: "500"
                fields:
                  PROJECT_CODE: 项目编号
            """
        #expect(try MappingLoader.parse(yaml, file: "E4201000004.yaml", spec: spec).encoding == .gb18030)
        let defaulted = try MappingLoader.parse(yaml.replacingOccurrences(of: "encoding: GBK\n", with: ""), file: "E4201000004.yaml", spec: spec)
        #expect(defaulted.encoding == .utf8)
        let error = try #require(throws: DiagnosticsError.self) {
            try MappingLoader.parse(yaml.replacingOccurrences(of: "encoding: GBK", with: "encoding: big5"), file: "E4201000004.yaml", spec: spec)
        }
        #expect(error.diagnostics.map(\.line) == [3])
        #expect(error.diagnostics.first?.message.contains("'encoding' must be one of utf-8, gb18030, gbk, gb2312") == true, "\(error)")
    }

    @Test("A platform sending GBK JSON maps to the same records as its UTF-8 payload once its file says encoding: gb18030")
    func gbkJSONPlatform() throws {
        var mapping = try MappingLoader.load(file: RepositoryPaths.mappings + "/platforms/E4201000004.yaml", spec: spec)
        let sample = Self.folder("E4201000004") + "/project.json"
        let utf8 = try bytes(sample)
        // The C library's own iconv command makes the GBK copy, so the test does not grade itself.
        let gbkFile = NSTemporaryDirectory() + "shuniu-gbk-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: gbkFile) }
        let iconv = try ChildProcess.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GBK", "-o", gbkFile, sample], timeout: 30)
        #expect(iconv.status == 0, "\(iconv.output)")
        let gbk = try bytes(gbkFile)
        #expect(gbk != utf8)
        mapping.encoding = .gb18030
        let converted = MappingTrial(payload: gbk, engine: MappingEngine(mapping: mapping, spec: spec))
        let original = MappingTrial(payload: utf8, engine: try engine("E4201000004"))
        #expect(converted.problems.isEmpty, "\(converted.problems)")
        #expect(!original.records.isEmpty && converted.canonicalText == original.canonicalText)
    }
}
