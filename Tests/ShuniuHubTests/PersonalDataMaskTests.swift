import Foundation
@testable import ShuniuSharing
import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import Testing

/// Masking personal fields: the fast in-place way must give exactly what parsing gives.
@Suite("Personal data masking")
struct PersonalDataMaskTests {
    static let codes = ["CONTACTOR", "CONTACT_INFORMATION", "PM_CODE"]

    /// Stored payloads are canonical JSON (sorted keys), as these are.
    @Test("In place and by parsing agree, first and last keys included; escaped values take the parsing way", arguments: [
        #"{"CONTACTOR":"张工","CONTACT_INFORMATION":"13800000000","PROJECT_NAME":"示范工程"}"#,
        #"{"A":"1","PM_CODE":"420102198503150012"}"#,
        #"{"CONTACTOR":"李四","NOTE":"\"CONTACTOR\":\"x\""}"#,
        #"{"CONTACTOR":"王\"五\"","Z":"1"}"#,
        #"{"CONTACTOR":"","PROJECT_NAME":"CONTACTOR"}"#,
        #"{"CONTACTOR":1234}"#,
    ])
    func fastAndParsedAgree(payload: String) throws {
        let parsed = PersonalDataMask.maskByParsing(payload, Self.codes)
        if let fast = PersonalDataMask.maskInPlace(payload, Self.codes) {
            #expect(fast.payload == parsed.payload)
            #expect(fast.masked == parsed.masked)
        } else {
            #expect(payload.contains("\\"), "only a value with escapes is left to parsing")
        }
    }

    @Test("Values keep their length and ends, never the middle")
    func shapes() {
        #expect(PersonalDataMask.mask("420102198503150012") == "420***********0012")
        #expect(PersonalDataMask.mask("13900000001") == "139****0001")
        #expect(PersonalDataMask.mask("张三") == "张*")
        #expect(PersonalDataMask.mask("王") == "*")
    }

    @Test("The spec's personal fields and every resident ID are masked; others never")
    func whichFields() throws {
        let spec = try RepositoryPaths.loadedSpec()
        let mask = PersonalDataMask(spec: spec)
        let payload = #"{"BIDDER_NAME":"湖北示范建工集团有限公司","BIDDER_OPERATION_PERSON_CON":"13900000001","PM_CODE":"420102198503150012"}"#
        let masked = try #require(mask.mask(payload, of: "507"))
        #expect(masked.masked == ["BIDDER_OPERATION_PERSON_CON", "PM_CODE"])
        #expect(masked.payload.contains("湖北示范建工集团有限公司") && !masked.payload.contains("198503150012"))
        #expect(mask.mask(#"{"PROJECT_NAME":"x"}"#, of: "500") == nil)
        // A key that holds a person's ID number is masked too; one that holds none is left alone.
        #expect(mask.maskKey("（2026）鄂0102执1234号|420102198503150012", of: "3103") == "（2026）鄂0102执1234号|420***********0012")
        #expect(mask.maskKey("E4201000001000001001001|91420102MA4K010137", of: "507") == nil)
    }

    @Test("Unknown fields are masked when their name reads as a person's identifier or contact, or their value as an ID number")
    func unknownFields() throws {
        for name in ["MANAGER_MOBILE", "ID_CARD_NO", "legal_person_idcard", "CERT_NO", "CONTACT_PHONE", "LinkMan", "BANK_ACCOUNT", "EMAIL", "SFZH", "TEL"] {
            #expect(PersonalDataMask.looksPersonal(name), "\(name)")
        }
        for name in ["GREEN_BUILDING_LEVEL", "HOTEL_NAME", "CERTIFICATE_TYPE", "PROJECT_ID", "TELECOM_OPERATOR", "MOBILITY_PLAN"] {
            #expect(!PersonalDataMask.looksPersonal(name), "\(name)")
        }
        let mask = PersonalDataMask(spec: try RepositoryPaths.loadedSpec())
        let masked = try #require(mask.maskUnknownFields(#"{"GREEN_BUILDING_LEVEL":"二星","MANAGER_MOBILE":"13800001111","NOTE":"420102198503150012"}"#))
        #expect(masked.masked == ["MANAGER_MOBILE", "NOTE"])
        #expect(masked.payload == #"{"GREEN_BUILDING_LEVEL":"二星","MANAGER_MOBILE":"138****1111","NOTE":"420***********0012"}"#)
        #expect(mask.maskUnknownFields(#"{"GREEN_BUILDING_LEVEL":"二星"}"#) == nil)
    }

    @Test("政务公开 fields are masked only when asked; personal ones only when asked")
    func governmentFields() throws {
        let mask = PersonalDataMask(spec: try RepositoryPaths.loadedSpec())
        // 500's 联系方式 is personal and 政务公开; 联系人 personal only; 项目名称 neither.
        let payload = #"{"CONTACTOR":"张工","CONTACT_INFORMATION":"02700000000","PROJECT_NAME":"示范工程"}"#
        #expect(mask.mask(payload, of: "500", personal: true, government: false)?.masked == ["CONTACTOR", "CONTACT_INFORMATION"])
        #expect(mask.mask(payload, of: "500", personal: false, government: true)?.masked == ["CONTACT_INFORMATION"])
        #expect(mask.mask(payload, of: "500", personal: false, government: false) == nil)
        // A 政务公开 key part (such as 400's 统一交易标识码) is masked for a reader without a government grant.
        let spec = try RepositoryPaths.loadedSpec()
        let keyed = spec.datasets.values.sorted { $0.dataset.rawValue < $1.dataset.rawValue }.first { dataset in
            dataset.key.contains { code in dataset.field(code).map { $0.disclosure == .government && !$0.personal && $0.type != .subjectCode } ?? false }
        }
        if let keyed {
            let parts = keyed.key.map { _ in "ABCDEFGHIJKL" }
            let hidden = keyed.key.map { code in keyed.field(code)?.disclosure == .government }
            let expected = zip(parts, hidden).map { $1 ? "ABC*****IJKL" : $0 }.joined(separator: "|")
            #expect(mask.maskKey(parts.joined(separator: "|"), of: keyed.dataset, personal: false, government: true) == expected, "\(keyed.dataset)")
            #expect(mask.maskKey(parts.joined(separator: "|"), of: keyed.dataset, personal: true, government: false) == nil, "\(keyed.dataset)")
        }
    }
}
