import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuSpec

/// A trading platform that makes realistic tenders — a project, its tender project, a section
/// and the tender announcement — with valid identifiers, and pushes them signed.
public struct SimulatedPlatform: Sendable {
    public let id: PlatformID
    /// The GB/T 2260 county code its projects are in.
    public let regionCode: String
    public let client: IngestClient

    public init(id: PlatformID, regionCode: String, client: IngestClient) {
        self.id = id
        self.regionCode = regionCode
        self.client = client
    }

    /// Pushes `count` tenders numbered from `first` (four records each); returns the HTTP status.
    public func push(tenders count: Int, from first: Int, at now: Date = Date()) async throws -> Int {
        let records = (first..<(first + count)).flatMap { tender(number: $0, at: now) }
        let body = Array(JSONValue.object(["records": .array(records)]).canonicalText.utf8)
        return try await client.send(body: body).status
    }

    /// The four records of tender `number`.
    public func tender(number: Int, at now: Date) -> [JSONValue] {
        let project = id.rawValue + String(format: "%06d", number)
        let tenderProject = project + "001"
        let section = tenderProject + "001"
        let dealCode = section + "20261122" + String(format: "%09d", number)
        let tenderer = SimulatedPlatform.creditCode(region: String(regionCode.prefix(4)) + "00", serial: number)
        let created = SpecTime.text(now)
        let announced = SpecTime.text(now.addingTimeInterval(3600))
        let docsClose = SpecTime.text(now.addingTimeInterval(6 * 86400))
        let opening = SpecTime.text(now.addingTimeInterval(21 * 86400))
        func record(_ dataset: String, _ fields: [String: String], dataKey: String? = nil) -> JSONValue {
            var envelope: [String: JSONValue] = ["dataset": .string(dataset), "data": .object(fields.mapValues(JSONValue.string))]
            if let dataKey { envelope[DataKey.envelopeMember] = .string(dataKey) }
            return .object(envelope)
        }
        return [
            record("500", [
                "PROJECT_CODE": project, "PROJECT_NAME": "示范工程项目 \(number)", "REGION_CODE": regionCode, "RELATE_CODE": "1",
                "ADDRESS": "示范路\(number)号", "LEGAL_PERSON": "示范建设投资有限公司", "CLASS_VER_CODE": "2",
                "INDUSTRIES_TYPE": number % 3 == 0 ? "F51" : "E47", "FUND_SOURCE": "财政资金", "PROJECT_SCALE": "建筑面积\(1000 + number)平方米",
                "CONTACTOR": "张工", "CONTACT_INFORMATION": "027-00000000", "APPROVAL_NAME": "可行性研究报告的批复", "CREATE_TIME": created,
            ]),
            record("501", [
                "PROJECT_CODE": project, "TENDER_PROJECT_CODE": tenderProject, "IS_TO_LAW": "1", "TENDER_PROJECT_NAME": "示范工程项目 \(number) 施工招标",
                "TENDER_PROJECT_TYPE": "A01", "REGION_CODE": regionCode, "TENDER_CONTENT": "施工总承包", "TENDERER_NAME": "示范建设投资有限公司",
                "TENDERER_CODE_TYPE": "1", "TENDERER_CODE": tenderer, "TENDERER_ROLE": "01", "TENDER_AGENCY_NAME": "示范招标代理有限公司",
                "TENDER_AGENCY_CODE_TYPE": "1", "TENDER_AGENCY_CODE": "91350100M000100Y43", "TENDER_AGENCY_ROLE": "02", "TENDER_MODE": "1",
                "TENDER_ORGANIZE_FORM": "2", "CREATE_TIME": created, "SUPERVISE_DEPT_NAME": "住房和城乡建设局", "APPROVE_DEPT_NAME": "发展和改革局",
                "REPORT_DUTY": "李工", "ISUNION": "0",
            ]),
            record("502", [
                "TENDER_PROJECT_CODE": tenderProject, "BID_SECTION_CODE": section, "BID_SECTION_NAME": "施工一标段", "BID_ECTION_NUM": "1",
                "UNIFIED_DEAL_CODE": dealCode, "BID_TENDER_MODE": "1", "REGION_CODE": regionCode, "TRA_PLACE_CODE": String(regionCode.prefix(4)) + "00",
                "BID_SECTION_CONTENT": "主体结构及装饰装修", "TENDER_PROJECT_CLASSIFY_CODE": "A010000",
                "CONTRACT_RECKON_PRICE": "\(1_000_000 + number * 1_000).00", "CURRENCY_CODE": "156", "PRICE_UNIT": "0",
                "BID_QUALIFICATION": "建筑工程施工总承包二级及以上", "CREATE_TIME": created,
            ]),
            record("503", [
                "TENDER_PROJECT_CODE": tenderProject, "BID_SECTION_CODES": section, "UNIFIED_DEAL_CODES": dealCode,
                "NOTICE_NAME": "示范工程项目 \(number) 招标公告", "NOTICE_CONTENT": "现进行公开招标。", "NOTICE_SEND_TIME": announced,
                "NOTICE_MEDIA": "公共资源交易电子服务系统", "URL": "https://ggzy.example.invalid/notice/\(number)", "NOTICE_NATURE": "1",
                "BULLETIN_TYPE": "1", "DOC_GET_START_TIME": announced, "DOC_GET_END_TIME": docsClose, "TENDER_DOC_GET_METHOD": "网上下载",
                "BID_DOC_REFER_END_TIME": opening, "BID_OPEN_TIME": opening, "BID_DOC_REFER_METHOD": "网上递交", "SYNDICATED_FLAG": "0",
                "BULLETIN_DUTY": "王工", "NOTICE_BID_NUM": "1", "TENDER_SELF_CODE": "ZB-\(number)", "TENDERER_NAME": "示范建设投资有限公司",
                "TENDERER_CODE": tenderer, "TENDERER_ADDRESS": "示范路\(number)号", "TENDERER_CONTACTOR": "张工",
                "TENDERER_PHONE_NUMBER": "027-00000000", "TENDERER_EMAIL": "zb@example.invalid", "BULLETIN_DUTY_CODE_TYPE": "王工",
            ], dataKey: "ZB-\(number)"),
        ]
    }

    /// A synthetic 统一社会信用代码 with valid check characters.
    static func creditCode(region: String, serial: Int) -> String {
        let organizationBody = "MA" + String(format: "%06d", serial % 1_000_000)
        let organization = organizationBody + String(OrganizationCode.checkCharacter(for: organizationBody)!)
        let body = "91" + region + organization
        return body + String(CreditCode.checkCharacter(for: body)!)
    }
}
