import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

/// Subject codes (招标人代码, 投标人代码…) checked by the kind their shape says, one by one when
/// several subjects share a record (联合招标, a 联合体), their 主体类别 (D:2001) free text.
@Suite("Subject codes: kind by shape, several subjects separated by 半角分号")
struct SubjectCodeTests {
    let spec: DataSpec

    init() throws {
        spec = try RepositoryPaths.loadedSpec()
    }

    static let creditCode = "91420102MA4K010137"
    static let otherCreditCode = "91420103MA4K00627X"
    static let residentID = "11010519491231002X"

    func validate501(_ changes: [String: Any]) throws -> Result<RecordValidator.Checked, ValidationProblems> {
        let record = try Fixtures.record("501", changing: changes)
        let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
        return RecordValidator(spec: spec).validate(data.objectValue!, as: spec.dataset("501")!, path: "$.data")
    }

    func problems(_ changes: [String: Any]) throws -> [Problem] {
        guard case .failure(let failure) = try validate501(changes) else { return [] }
        return failure.problems
    }

    static func joint(codes: String, names: String = "甲建设有限公司;乙投资有限公司;张秀英", kinds: String = "1;1;3") -> [String: Any] {
        ["TENDERER_NAME": names, "TENDERER_CODE_TYPE": kinds, "TENDERER_CODE": codes]
    }

    @Test("A joint tender of two companies and a person is accepted, each code by its own kind")
    func jointTenderAccepted() throws {
        let codes = [Self.creditCode, Self.otherCreditCode, Self.residentID].joined(separator: ";")
        let checked = try validate501(Self.joint(codes: codes)).get()
        #expect(checked.fields["TENDERER_CODE"] == codes)
        #expect(checked.warnings.isEmpty)
        // A member's credit code whose embedded 组织机构代码 fails its check is told, not refused.
        let warned = try validate501(Self.joint(codes: [Self.creditCode, "91420102MA4K01010X", Self.residentID].joined(separator: ";"))).get()
        #expect(warned.warnings.map(\.code) == [.creditCodeOrganizationCode] && warned.warnings.first?.message.contains("91420102MA4K01010X") == true)
        // A full-width ；is read as the separator.
        let fullWidth = try validate501(Self.joint(codes: [Self.creditCode, Self.otherCreditCode, Self.residentID].joined(separator: "；"))).get()
        #expect(fullWidth.fields["TENDERER_CODE"] == codes)
    }

    @Test("A bad check character in the second code is refused on that field, naming the element")
    func badSecondElement() throws {
        let bad = String(Self.otherCreditCode.dropLast()) + "Y"
        let found = try problems(Self.joint(codes: [Self.creditCode, bad, Self.residentID].joined(separator: ";")))
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.code == .creditCodeInvalid && problem.path == "$.data.TENDERER_CODE" && problem.label == "招标人代码")
        #expect(problem.message.contains("item 2") && problem.message.contains(bad), "\(problem.message)")

        let badID = String(Self.residentID.dropLast()) + "1"
        let person = try problems(Self.joint(codes: [Self.creditCode, Self.otherCreditCode, badID].joined(separator: ";")))
        #expect(person.map(\.code) == [.residentIDInvalid] && person.first?.message.contains("item 3") == true, "\(person)")
    }

    @Test("Lists of names, 主体类别 and codes of different lengths are refused")
    func mismatchedCounts() throws {
        let found = try problems(Self.joint(codes: [Self.creditCode, Self.otherCreditCode].joined(separator: ";")))
        #expect(found.map(\.code) == [.listCount], "\(found)")
        let problem = try #require(found.first)
        #expect(problem.path == "$.data.TENDERER_CODE" && problem.message.contains("2") && problem.message.contains("3"), "\(problem.message)")
    }

    @Test("Codes of other kinds are accepted as text: passports, 港澳台 permits, foreign registrations",
          arguments: ["E12345678", "H01234567", "HRB 12345", "C-20260105-88"])
    func otherKindsAccepted(code: String) throws {
        let checked = try validate501(["TENDERER_CODE": code]).get()
        #expect(checked.fields["TENDERER_CODE"] == code)
    }

    @Test("A single code that looks like a credit code or a resident ID but fails its check is refused with its kind's code")
    func singleCodes() throws {
        #expect(try problems(["TENDERER_CODE": String(Self.creditCode.dropLast()) + "8"]).map(\.code) == [.creditCodeInvalid])
        #expect(try problems(["TENDERER_CODE": "110105194912310021"]).map(\.code) == [.residentIDInvalid])
        #expect(try problems(["TENDERER_CODE": "D2143569-1"]).map(\.code) == [.organizationCodeInvalid])
        #expect((try? validate501(["TENDERER_CODE": "D2143569-X"]).get()) != nil)
        #expect((try? validate501(["TENDERER_CODE": Self.residentID]).get()) != nil)
    }

    @Test("主体类别 is the spec's one-character D:2001 field, not a code kind: the CEB's two-character 01 is too long")
    func subjectCategory() throws {
        #expect((try? validate501(["TENDERER_CODE_TYPE": "1"]).get()) != nil)
        let bidder = try #require(spec.dataset("507")?.field("BIDDER_CODE_TYPE"))
        #expect(bidder.length == 1 && bidder.codeList == nil && bidder.label == "投标人类别")
    }

    @Test("A platform that declares each code's kind (512's TENDER_CODE_TYPE) has each code checked as declared")
    func declaredKinds() throws {
        func problems512(_ changes: [String: Any]) throws -> [Problem] {
            let record = try Fixtures.datasetRecord("512", changing: changes)
            let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
            guard case .failure(let failure) = RecordValidator(spec: spec).validate(data.objectValue!, as: spec.dataset("512")!, path: "$.data") else { return [] }
            return failure.problems
        }
        let codes = "\(Self.creditCode);\(Self.residentID)", names = "甲建设有限公司;张秀英"
        #expect(try problems512(["TENDERER_NAME": names, "TENDER_CODE_TYPE": "01;03", "TENDER_CODE": codes]).isEmpty)
        let declaredWrong = try problems512(["TENDERER_NAME": names, "TENDER_CODE_TYPE": "01;03", "TENDER_CODE": "\(Self.creditCode);\(Self.otherCreditCode)"])
        #expect(declaredWrong.map(\.code) == [.residentIDInvalid] && declaredWrong.first?.message.contains("item 2") == true, "\(declaredWrong)")
        #expect(try problems512(["TENDERER_NAME": names, "TENDER_CODE_TYPE": "01;03;01", "TENDER_CODE": codes]).map(\.code) == [.listCount])
        // One name for two codes: the lists disagree.
        #expect(try problems512(["TENDER_CODE_TYPE": "01;03", "TENDER_CODE": codes]).map(\.code) == [.listCount])
    }
}
