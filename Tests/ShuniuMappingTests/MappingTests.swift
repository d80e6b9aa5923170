import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import Testing
@testable import ShuniuMapping

@Suite("Platform mappings")
struct MappingTests {
    let spec: DataSpec

    init() throws {
        spec = try RepositoryPaths.loadedSpec()
    }

    func samplePayload() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.root + "/Ops/samples/platforms/E4201000003/project.json")))
    }

    func engine() throws -> MappingEngine {
        MappingEngine(mapping: try MappingLoader.load(file: RepositoryPaths.mappings + "/platforms/E4201000003.yaml", spec: spec), spec: spec)
    }

    @Test("The nested camelCase sample maps to valid spec records: epoch ms, 万元, full-width codes, nested arrays")
    func sampleMaps() throws {
        let (records, problems) = try engine().apply(to: samplePayload())
        #expect(problems.isEmpty)
        #expect(records.map(\.dataset.rawValue) == ["500", "501", "502", "502"])
        #expect(records.map(\.sourcePath) == ["$.project", "$.project.tenderProjects[0]", "$.project.tenderProjects[0].sections[0]", "$.project.tenderProjects[0].sections[1]"])
        let validator = RecordValidator(spec: spec)
        let checked = try records.map { try validator.validate($0.data, as: spec.dataset($0.dataset)!, path: $0.sourcePath).get() }
        #expect(checked[0].fields["CREATE_TIME"] == "20261122080000")
        #expect(checked[0].fields["PROJECT_NAME"] == "武昌区示范中学改扩建工程")
        #expect(checked[0].fields["INDUSTRIES_TYPE"] == "E47")
        #expect(checked[1].fields["TENDERER_CODE"] == "91420100MA4K00010R")
        #expect(checked[1].fields["IS_TO_LAW"] == "1" && checked[1].fields["TENDER_MODE"] == "1" && checked[1].fields["PROJECT_CODE"] == "E4201000003000007")
        #expect(checked[2].fields["CONTRACT_RECKON_PRICE"] == "35805000" && checked[2].fields["BEGIN_DATE"] == "20270301")
        #expect(checked[3].fields["CONTRACT_RECKON_PRICE"] == "6123500" && checked[3].fields["LIMITE_TIME"] == "180")
    }

    @Test("Data the mapping cannot translate is reported at the payload's own path")
    func dataProblems() throws {
        var text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.root + "/Ops/samples/platforms/E4201000003/project.json")), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"entrusted\"", with: "\"outsourced\"").replacingOccurrences(of: "\"3580.5\"", with: "\"三千万\"")
        let payload = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let (_, problems) = try engine().apply(to: payload)
        let byPath = Dictionary(grouping: problems, by: \.path)
        #expect(byPath["$.project.tenderProjects[0].organizeForm"]?.first?.code == .mappingValueUnmapped)
        #expect(byPath["$.project.tenderProjects[0].organizeForm"]?.first?.label == "招标组织形式")
        #expect(byPath["$.project.tenderProjects[0].sections[0].estimateWan"]?.first?.code == .mappingTransform)
        #expect(problems.count == 2)
    }

    @Test("A mapped record's problems name the mapping file's line: a value it cannot translate, a required field it maps to nothing or reads from a path the payload lacks")
    func problemsNameTheFileLine() throws {
        let yaml = """
            platform: E4201000007
            version: "1"
            records:
              - dataset: "500"
                from: 项目
                fields:
                  PROJECT_CODE: 项目编号
                  PROJECT_NAME: 项目名称
                  ADDRESS: 地址
                  CREATE_TIME: {path: 创建时间, transform: "dateTime yyyy-MM-dd HH:mm"}
            """
        let engine = MappingEngine(mapping: try MappingLoader.parse(yaml, file: "/somewhere/E4201000007.yaml", spec: spec), spec: spec)
        let payload = Array(#"{"项目": {"项目编号": "E4201000007000001", "项目名称": "示范工程", "创建时间": "2026-11-01 09:30:00"}}"#.utf8)
        let trial = MappingTrial(payload: payload, engine: engine)
        let messages = Dictionary(trial.problems.map { ($0.path, $0.message) }, uniquingKeysWith: { first, _ in first })
        #expect(messages["$.项目.创建时间"]?.hasSuffix("does not match yyyy-MM-dd HH:mm (E4201000007.yaml line 10)") == true, "\(messages)")
        #expect(messages["$.项目.ADDRESS"]?.hasSuffix("is required; E4201000007.yaml line 9 reads it from 地址, which this payload does not have") == true, "\(messages)")
        #expect(messages["$.项目.LEGAL_PERSON"]?.hasSuffix("is required; E4201000007.yaml maps nothing to LEGAL_PERSON (its 500 records at line 4)") == true, "\(messages)")
    }

    @Test("Mistakes in a mapping file are all reported with their lines")
    func fileProblems() throws {
        let yaml = """
            platform: E4201000003
            version: "1"
            colour: blue
            records:
              - dataset: "500"
                from: project
                fields:
                  PROJECT_CODE: projectCode
                  NOT_A_FIELD: x
                  CREATE_TIME: {path: createdAt, transform: epochFortnights}
                  PROJECT_NAME: {path: "a[", transform: trim}
              - dataset: "999"
                fields: {}
              - dataset: "503"
                fields:
                  TENDER_PROJECT_CODE: code
            """
        let error = try #require(throws: DiagnosticsError.self) { try MappingLoader.parse(yaml, file: "E4201000003.yaml", spec: spec) }
        let lines = error.diagnostics.map { "\($0.line ?? 0) \($0.message)" }
        #expect(lines.contains { $0.hasPrefix("3 ") && $0.contains("unknown key 'colour'") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("9 ") && $0.contains("NOT_A_FIELD is not a field") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("10 ") && $0.contains("epochFortnights") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("11 ") && $0.contains("not a payload path") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("12 ") && $0.contains("dataset") }, "\(lines)")
        // 503 is identified by the platform's own record id: a mapping without DATA_KEY could store none of its records.
        #expect(lines.contains { $0.hasPrefix("16 ") && $0.contains("must map DATA_KEY") }, "\(lines)")
    }

    @Test("Transforms", arguments: [
        (ValueTransform.wanToYuan, "3580.5", "35805000"), (.wanToYuan, "0.0001", "1"), (.wanToYuan, "12", "120000"),
        (.yuanToWan, "12345", "1.2345"), (.yuanToWan, "5", "0.0005"), (.yuanToWan, "-100000", "-10"),
        (.halfWidth, "ＭＡ４Ｋ　１", "MA4K 1"), (.trim, "\u{3000} 值 ", "值"), (.upperCase, "e47", "E47"),
        (.epochSeconds, "1795305600", "20261122080000"), (.epochMilliseconds, "1795305600000", "20261122080000"),
        (.dateTime(format: "yyyy-MM-dd HH:mm:ss"), "2026-11-22 08:30:05", "20261122083005"),
        (.dateTime(format: "yyyy/MM/dd"), "2026/11/22", "20261122000000"), (.date(format: "yyyy-MM-dd"), "2027-03-01", "20270301"),
        (.bitToTF, "1", "T"), (.tfToBit, "F", "0"), (.joinList(separator: "；"), "A；B；", "A,B"),
    ])
    func transforms(transform: ValueTransform, input: String, output: String) throws {
        #expect(try transform.apply(input).get() == output)
    }

    @Test("Bad values make transform problems, not crashes", arguments: [
        (ValueTransform.wanToYuan, "1,000"), (.epochMilliseconds, "yesterday"), (.dateTime(format: "yyyy-MM-dd HH:mm:ss"), "2026-02-30 08:00:00"),
        (.date(format: "yyyy-MM-dd"), "2026/11/22"), (.bitToTF, "2"),
    ])
    func badValues(transform: ValueTransform, input: String) {
        #expect(throws: TransformProblem.self) { try transform.apply(input).get() }
    }

    @Test("Payload paths reach keys, indexes and every element")
    func paths() throws {
        let payload = try samplePayload()
        #expect(PayloadPath("project.tenderProjects[0].sections[*].code")!.resolve(in: payload, at: "$").map(\.path)
            == ["$.project.tenderProjects[0].sections[0].code", "$.project.tenderProjects[0].sections[1].code"])
        #expect(PayloadPath("project.nothing")!.resolve(in: payload, at: "$").isEmpty)
        #expect(PayloadPath("a[") == nil && PayloadPath("a[-1]") == nil && PayloadPath("a..b") == nil)
    }
}
