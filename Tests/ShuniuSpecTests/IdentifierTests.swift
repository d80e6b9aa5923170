import ShuniuCore
import Testing
@testable import ShuniuSpec

@Suite("Identifier check algorithms")
struct IdentifierTests {
    @Test("统一社会信用代码 vectors pass", arguments: ["91350100M000100Y43", "91110000100000000R", "91420100MA4K00010R"])
    func validCreditCodes(code: String) {
        #expect(CreditCode.problem(in: code) == nil)
    }

    @Test("统一社会信用代码 failures are explained", arguments: [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M00010OY43", "not allowed"),
        ("913501A0M000100Y43", "region code"),
        ("91350100m000100Y43", "not allowed"),
    ])
    func invalidCreditCodes(code: String, reason: String) {
        let problem = CreditCode.problem(in: code)
        #expect(problem?.contains(reason) == true, "\(problem ?? "nil")")
    }

    @Test("身份证号: the standard's example passes, a wrong check character fails")
    func residentIDs() throws {
        #expect(try ResidentID.normalize("11010519491231002X").get() == "11010519491231002X")
        #expect(try ResidentID.normalize("420102198501010016").get() == "420102198501010016")
        // A lower-case x is the same check character, stored as X.
        #expect(try ResidentID.normalize("11010519491231002x").get() == "11010519491231002X")
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("110105194912310021").get() }
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("11010519491331002X").get() }
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("1101051949123100").get() }
        // Character set: letters only as the last character (X).
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("1101A519491231002X").get() }
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("11010519491231002Y").get() }
        // Length: 17 or 19 characters.
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("11010519491231002").get() }
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("11010519491231002X0").get() }
    }

    @Test("A legacy 15-digit 身份证号 is upgraded with 19 and a computed check character")
    func legacyResidentID() throws {
        #expect(try ResidentID.normalize("110105491231002").get() == "11010519491231002X")
        #expect(throws: ResidentIDProblem.self) { try ResidentID.normalize("110105491331002").get() }
    }

    @Test("组织机构代码: with or without the hyphen; wrong check fails")
    func organizationCodes() {
        #expect(OrganizationCode.problem(in: "D2143569-X") == nil)
        #expect(OrganizationCode.problem(in: "D2143569X") == nil)
        #expect(OrganizationCode.problem(in: "MA4K0001-0") == nil)
        #expect(OrganizationCode.problem(in: "D2143569-1")?.contains("expected 'X'") == true)
        #expect(OrganizationCode.problem(in: "D214356-X") != nil)
        #expect(OrganizationCode.problem(in: "D21435#9-X") != nil)
        #expect(OrganizationCode.problem(in: "d2143569-X") != nil)
    }

    @Test("行政区划代码: shape and the shipped table")
    func regionCodes() throws {
        let (table, bad) = RegionTable.parse("# comment\n420000\t湖北省\n420100\t武汉市\nbad line\n99\tx\n")
        #expect(bad == [4, 5])
        #expect(table.problem(in: "420100") == nil)
        #expect(table.problem(in: "420199")?.contains("not in the shipped") == true)
        #expect(table.problem(in: "990000")?.contains("province-level") == true)
        #expect(table.problem(in: "4201") != nil)
    }

    @Test("项目/招标项目/标段编号 structure")
    func biddingCodes() {
        #expect(BiddingCodes.projectCodeProblem("E4201000001000001") == nil)
        #expect(BiddingCodes.projectCodeProblem("E420100000100000") != nil)
        #expect(BiddingCodes.projectCodeProblem("e4201000001000001") != nil)
        #expect(BiddingCodes.projectCodeProblem("E42010000010000A1") != nil)
        #expect(BiddingCodes.tenderProjectCodeProblem("E4201000001000001001") == nil)
        #expect(BiddingCodes.tenderProjectCodeProblem("E420100000100000100A") != nil)
        #expect(BiddingCodes.sectionCodeProblem("E4201000001000001001001") == nil)
        #expect(BiddingCodes.sectionCodeProblem("E4201000001000001001") != nil)
        #expect(BiddingCodes.unifiedDealCodeProblem(String(repeating: "A1", count: 20)) == nil)
        #expect(BiddingCodes.unifiedDealCodeProblem(String(repeating: "A", count: 39)) != nil)
    }

    @Test("交易平台标识码 shape")
    func platformCodes() {
        #expect(PlatformID(rawValue: "E1100000084") != nil)
        #expect(PlatformID(rawValue: "e1100000084") == nil)
        #expect(PlatformID(rawValue: "E110000008") == nil)
        #expect(PlatformID(rawValue: "E11000000845") == nil)
        #expect(PlatformID(rawValue: "E110000008-") == nil)
    }
}
