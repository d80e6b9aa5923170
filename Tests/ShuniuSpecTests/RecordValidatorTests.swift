import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

@Suite("Record validation against the shipped spec")
struct RecordValidatorTests {
    let spec: DataSpec
    let validator: RecordValidator

    init() throws {
        spec = try RepositoryPaths.loadedSpec()
        validator = RecordValidator(spec: spec)
    }

    func validate(_ dataset: String, _ changes: [String: Any] = [:], unknownFields: UnknownFields = .keep) throws -> Result<RecordValidator.Checked, ValidationProblems> {
        let record = try Fixtures.record(dataset, changing: changes)
        let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
        return validator.validate(data.objectValue!, as: spec.dataset(DatasetID(dataset))!, path: "$.data", unknownFields: unknownFields)
    }

    func problems(_ dataset: String, _ changes: [String: Any], unknownFields: UnknownFields = .keep) throws -> [Problem] {
        guard case .failure(let failure) = try validate(dataset, changes, unknownFields: unknownFields) else { return [] }
        return failure.problems
    }

    @Test("The shipped spec loads: every dataset the issue names, their code lists and regions")
    func specLoads() {
        let expected: Set<DatasetID> = [
            "500", "501", "502", "503", "504", "506", "507", "509", "510", "511", "512", "513", "517", "522",
            "550", "551", "552", "553", "554", "600", "601", "700", "701", "300", "302", "303", "3101", "3102", "3103",
        ]
        #expect(expected.isSubset(of: Set(spec.datasets.keys)))
        // and the other nationally numbered datasets, generated from the reference tables
        #expect(spec.datasets.count == 108)
        #expect(spec.codeLists["TENDER_MODE"]?.contains("1") == true)
        #expect(spec.regions.problem(in: "420102") == nil)
        #expect(spec.version == "V2.0-shuniu.5")
        #expect(spec.edition == "V2.0 (发改办法规〔2018〕1156号)")
    }

    @Test("A project anywhere in the country is valid by its region code, development zones included",
          arguments: ["140100", "440300", "650100", "130171"])
    func regionCodesInForce(code: String) throws {
        let checked = try validate("500", ["REGION_CODE": code]).get()
        #expect(checked.regionCode == code && checked.warnings.isEmpty)
    }

    @Test("A retired region code passes, with a warning when the record's time is after its last revision")
    func retiredRegionCode() throws {
        // 大同县 (140227), last listed in the 2018-01 revision; the project was created in 2026-11.
        let late = try validate("500", ["REGION_CODE": "140227"]).get()
        #expect(late.regionCode == "140227")
        let warning = try #require(late.warnings.first)
        #expect(late.warnings.count == 1)
        #expect(warning.code == .regionCodeRetired && warning.path == "$.data.REGION_CODE" && warning.label == "项目所在行政区域代码")
        #expect(warning.message.contains("大同县") && warning.message.contains("2018-01") && warning.message.contains("2026-11"))
        // Created in 2015, when the county existed.
        #expect(try validate("500", ["REGION_CODE": "140227", "CREATE_TIME": "20150601090000"]).get().warnings.isEmpty)
        #expect(try problems("500", ["REGION_CODE": "149999"]).map(\.code) == [.regionCodeInvalid])
    }

    @Test("A credit code whose embedded 组织机构代码 fails its own check character passes with a warning")
    func embeddedOrganizationCode() throws {
        // The tenderer's 91420102MA4K01010X holds 组织机构代码 MA4K01010, whose check character is 3.
        let checked = try validate("501", ["TENDERER_CODE_TYPE": "01", "TENDERER_CODE": "91420102MA4K01010X"]).get()
        let warning = try #require(checked.warnings.first)
        #expect(checked.warnings.count == 1)
        #expect(warning.code == .creditCodeOrganizationCode && warning.path == "$.data.TENDERER_CODE", "\(warning)")
        #expect(warning.message.contains("expected '3'"), "\(warning.message)")
        // Its sound twin warns of nothing.
        #expect(try validate("501", ["TENDERER_CODE_TYPE": "01", "TENDERER_CODE": "91420102MA4K010137"]).get().warnings.isEmpty)
    }

    @Test("Every sample record is valid", arguments: ["500", "501", "502", "503"])
    func samplesAreValid(dataset: String) throws {
        let checked = try validate(dataset).get()
        #expect(!checked.businessKey.isEmpty)
    }

    @Test("Business keys and normalization")
    func keysAndNormalization() throws {
        let section = try validate("502", ["CONTRACT_RECKON_PRICE": "035800000.500", "BID_SECTION_NAME": "  施工一标段  "]).get()
        #expect(section.businessKey == "E4201000001000001001001")
        #expect(section.regionCode == "420102")
        #expect(section.fields["CONTRACT_RECKON_PRICE"] == "35800000.5")
        #expect(section.fields["BID_SECTION_NAME"] == "施工一标段")
        let notice = try validate("503").get()
        // 503 is identified by the sender's DATA_KEY, the tender project leading its key.
        #expect(notice.businessKey == "E4201000001000001001|")
        let record = try Fixtures.record("503")
        let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
        let keyed = try validator.validate(data.objectValue!, as: spec.dataset("503")!, path: "$.data", dataKey: "E4201000001:ZB-2026-0001").get()
        #expect(keyed.businessKey == "E4201000001000001001|E4201000001:ZB-2026-0001")
        #expect(notice.regionCode == nil)
    }

    @Test("Every problem is reported with code, path, label and message")
    func allProblemsReported() throws {
        let found = try problems("502", [
            "BID_SECTION_NAME": NSNull(), "CONTRACT_RECKON_PRICE": "0", "CURRENCY_CODE": "999",
            "REGION_CODE": "429999", "CREATE_TIME": "20261305000000", "SURPRISE": "x",
        ], unknownFields: .refuse)
        let byPath = Dictionary(grouping: found, by: \.path)
        #expect(byPath["$.data.BID_SECTION_NAME"]?.first?.code == .fieldRequired)
        #expect(byPath["$.data.BID_SECTION_NAME"]?.first?.label == "标段（包）名称")
        #expect(byPath["$.data.CONTRACT_RECKON_PRICE"]?.first?.code == .fieldNotPositive)
        #expect(byPath["$.data.CURRENCY_CODE"]?.first?.code == .fieldCodeList)
        #expect(byPath["$.data.REGION_CODE"]?.first?.code == .regionCodeInvalid)
        #expect(byPath["$.data.CREATE_TIME"]?.first?.code == .fieldDateTime)
        #expect(byPath["$.data.SURPRISE"]?.first?.code == .fieldUnknown)
        #expect(found.count == 6)
        #expect(found.allSatisfy { !$0.message.isEmpty })
    }

    @Test("A field's pattern must match the whole value")
    func patterns() throws {
        func candidate(_ order: String) throws -> Result<RecordValidator.Checked, ValidationProblems> {
            let record = try Fixtures.datasetRecord("510", changing: ["WIN_CANDIDATE_ORDER": order])
            let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
            return validator.validate(data.objectValue!, as: spec.dataset("510")!, path: "$.data")
        }
        guard case .failure(let failure) = try candidate("01") else { Issue.record("01 matched [1-9][0-9]{0,2}"); return }
        #expect(failure.problems.map(\.code) == [.fieldPattern])
        #expect((try? candidate("12").get()) != nil)
    }

    @Test("项目行业分类 is a GB/T 4754 门类 letter and 大类 of the 2017 or 2011 edition")
    func industryCodes() throws {
        #expect(try problems("500", ["INDUSTRIES_TYPE": "e47"]).map(\.code) == [.fieldCodeList])
        #expect(try problems("500", ["INDUSTRIES_TYPE": "Z47"]).map(\.code) == [.fieldCodeList])
        #expect(try problems("500", ["INDUSTRIES_TYPE": "E13"]).map(\.code) == [.fieldCodeList])  // 13 is in C
        for code in ["A01", "E48", "N79", "T97", "P82"] {  // N79 new in 2017; P82 is 2011's 教育
            #expect((try? validate("500", ["INDUSTRIES_TYPE": code]).get()) != nil, "\(code)")
        }
        #expect(spec.codeLists["INDUSTRY"]?.entries.count == 103)
        #expect(spec.codeLists["CURRENCY"]?.contains("156") == true && spec.codeLists["CURRENCY"]?.contains("999") == false)
    }

    @Test("Amounts sent as JSON numbers are refused with a hint; integers are accepted")
    func numbers() throws {
        let found = try problems("502", ["CONTRACT_RECKON_PRICE": 35800000.5])
        #expect(found.first?.code == .fieldType)
        #expect(found.first?.message.contains("strings") == true)
        #expect(try validate("502", ["LIMITE_TIME": 540]).get().fields["LIMITE_TIME"] == "540")
    }

    @Test("Cross-field rules: code prefix, agency unless self-tendering, subject code by type, time order, amount with unit")
    func crossFieldRules() throws {
        #expect(try problems("501", ["TENDER_PROJECT_CODE": "E4201000001000002001"]).map(\.code) == [.codePrefixMismatch])
        let agencyMissing = try problems("501", ["TENDER_AGENCY_NAME": NSNull()])
        #expect(agencyMissing.map(\.code) == [.requiredUnless])
        #expect(agencyMissing.first?.path == "$.data.TENDER_AGENCY_NAME")
        let selfTendering = try validate("501", [
            "TENDER_ORGANIZE_FORM": "1", "TENDER_AGENCY_NAME": NSNull(), "TENDER_AGENCY_CODE_TYPE": NSNull(),
            "TENDER_AGENCY_CODE": NSNull(), "TENDER_AGENCY_ROLE": NSNull(),
        ])
        #expect((try? selfTendering.get()) != nil)
        #expect(try problems("501", ["TENDERER_CODE": "91420100MA4K00010A"]).map(\.code) == [.creditCodeInvalid])
        #expect(try problems("501", ["TENDERER_CODE_TYPE": "02", "TENDERER_CODE": "D2143569-1"]).map(\.code) == [.organizationCodeInvalid])
        #expect((try? validate("501", ["TENDERER_CODE_TYPE": "02", "TENDERER_CODE": "D2143569-X"]).get()) != nil)
        #expect(try problems("503", ["BID_OPEN_TIME": "20261201093000", "BID_DOC_REFER_END_TIME": "20261201100000"]).map(\.code) == [.timeOrder])
        #expect(try problems("503", ["DOC_PRICE": "200"]).map(\.code) == [.requiredWith, .requiredWith])
        #expect(try problems("503", ["BID_SECTION_CODES": "E4201000001000001001001,E4201000001000009001002"]).map(\.code) == [.codePrefixMismatch])
    }

    @Test("Wrong JSON types are problems, not crashes", arguments: [#"{"nested": true}"#, "[1, 2]", "true"])
    func wrongTypes(valueJSON: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(valueJSON.utf8), options: [.fragmentsAllowed])
        #expect(try problems("500", ["PROJECT_NAME": value]).map(\.code) == [.fieldType])
    }
}
