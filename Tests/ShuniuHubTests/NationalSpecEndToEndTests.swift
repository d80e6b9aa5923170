import Foundation
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuSimulation
import ShuniuTesting
import Testing

/// The national spec from a platform's push to a consumer's feed and a destination: region codes
/// of several provinces, a retired code before and after its retirement, a joint tender, a legacy
/// 15-digit ID number, and one notice inserted, updated and deleted by its DATA_KEY.
@Suite("National spec end to end: ingest, feed and destination")
struct NationalSpecEndToEndTests {
    static let taiyuanProject = "E4201000001000001"
    static let tenderProject = "E4201000001000001001"
    static let section = "E4201000001000001001001"
    /// 503's key: the tender project, then the DATA_KEY scoped to its platform.
    static let noticeDataKey = "ZB-2026-0001"
    static let noticeKey = "\(tenderProject)|E4201000001:\(noticeDataKey)"
    static let candidateCode = "91420102MA4K010137"
    static let candidateKey = "\(section)|\(candidateCode)"
    /// A 联合体 of two companies and one natural person: names, 主体类别 and codes by 半角分号.
    static let jointMemberID = "140105196304150012"
    static let jointCodes = "91420102MA4K010137;\(jointMemberID);91420103MA4K00627X"
    /// A 15-digit 身份证号 (before GB 11643-1999) and the 18-digit form it is kept in.
    static let legacyID = "440304750822003"
    static let legacyIDIn18Digits = "440304197508220035"

    /// 500 projects in several provinces, and in 大同县 (140227, listed in the revisions of
    /// 1993-12 to 2018-01): once created in 2015, inside that validity, once in 2026, after it.
    static let projects: [(code: String, region: String, name: String, created: String)] = [
        (taiyuanProject, "140100", "太原市小店区示范学校新建工程", "20261101093000"),
        ("E4201000001000002", "440300", "深圳市福田区示范医院改扩建工程", "20261102093000"),
        ("E4201000001000003", "510100", "成都市示范污水处理厂提标改造工程", "20261103093000"),
        ("E4201000001000004", "650100", "乌鲁木齐市示范供热管网改造工程", "20261104093000"),
        ("E4201000001000005", "140227", "大同县示范道路建设工程（2015年立项）", "20150601093000"),
        ("E4201000001000006", "140227", "大同县示范道路养护工程（2026年补录）", "20261105093000"),
    ]

    @Test("Records of several provinces, a retired region code, a joint tender, a 15-digit ID and a DATA_KEY insert, update and delete travel from the ingest API to the feed and a destination")
    func endToEnd() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { $0.deliverEverything(to: upstream.url) }) { hub in
            let platform = hub.client(try await Fixtures.register(in: hub.store, datasets: ["500", "501", "502", "503", "510"]))

            // One push: six projects, a joint tender project, a refused one, a section, a
            // candidate with a 15-digit ID number, and the notice's first version.
            let first = try await Self.send(platform, try Self.firstBatch())
            #expect(first.accepted == 10 && first.rejected == 1, "\(first.results)")
            for index in [0, 1, 2, 3, 4, 6, 8, 10] {
                let result = first.results[index]
                #expect(result.status == "accepted" && result.problems == nil && result.warnings == nil, "record \(index): \(result)")
            }
            let retired = first.results[5]
            #expect(retired.status == "accepted" && retired.warnings?.map(\.code) == ["id.region_code_retired"], "\(retired)")
            #expect(retired.warnings?.first?.path == "$.records[5].data.REGION_CODE")
            #expect(retired.warnings?.first?.message.contains("2026-11") == true, "\(retired.warnings ?? [])")
            // Each member's code is checked against its own kind: a credit code failing its check character refuses the record.
            let refused = first.results[7]
            #expect(refused.status == "rejected" && refused.problems?.map(\.code) == ["id.credit_code"], "\(refused)")
            #expect(refused.problems?.first?.path == "$.records[7].data.TENDERER_CODE")
            let candidate = first.results[9]
            #expect(candidate.status == "accepted" && candidate.key == Self.candidateKey && candidate.warnings?.map(\.code) == ["id.resident_id_15"], "\(candidate)")
            #expect(candidate.warnings?.first?.path == "$.records[9].data.PM_CODE")
            #expect(first.results[10].key == Self.noticeKey && first.results[10].version == 1)

            // The notice again under its DATA_KEY: an update (version 2), then a delete (a tombstone, version 3).
            var changed = try Fixtures.record("503", changing: ["NOTICE_NAME": "太原市小店区示范学校新建工程施工招标公告（更正）"])
            changed["dataKey"] = Self.noticeDataKey
            let update = try await Self.send(platform, [changed])
            #expect(update.results.map(\.status) == ["accepted"] && update.results[0].version == 2 && update.results[0].key == Self.noticeKey, "\(update.results)")
            let delete = try await Self.send(platform, [["dataset": "503", "operation": "delete", "dataKey": Self.noticeDataKey]])
            #expect(delete.results.map(\.status) == ["accepted"] && delete.results[0].version == 3 && delete.results[0].key == Self.noticeKey, "\(delete.results)")

            // Stored in the 18-digit form.
            let storedCandidate = try #require(try await hub.store.latestVersion(dataset: "510", key: Self.candidateKey))
            #expect(storedCandidate.normalizedPayload.contains(Self.legacyIDIn18Digits) && !storedCandidate.normalizedPayload.contains("\"\(Self.legacyID)\""))

            // The feed, read by a consumer without any grant: every accepted version in commit order.
            let consumer = try await Fixtures.registerConsumer(on: hub)
            let feed = try await Self.feed(consumer)
            let expected: [(String, String, Int, String)] = Self.projects.map { ("500", $0.code, 1, "insert") } + [
                ("501", Self.tenderProject, 1, "insert"), ("502", Self.section, 1, "insert"), ("510", Self.candidateKey, 1, "insert"),
                ("503", Self.noticeKey, 1, "insert"), ("503", Self.noticeKey, 2, "update"), ("503", Self.noticeKey, 3, "delete"),
            ]
            #expect(feed.map(Self.identity) == expected.map { "\($0.0) \($0.1) v\($0.2) \($0.3)" }, "\(feed.map(Self.identity))")
            #expect(feed.filter { $0["dataset"] as? String == "503" }.allSatisfy { $0["dataKey"] as? String == Self.noticeDataKey })
            for (project, document) in zip(Self.projects, feed.prefix(6)) {
                #expect(Self.data(document)["REGION_CODE"] == project.region && document["regionCode"] as? String == project.region)
            }
            #expect(Self.flagCodes(feed[4]).isEmpty && Self.flagCodes(feed[5]) == ["id.region_code_retired"])
            // The joint tender's member's ID number is masked alone; the companies' credit codes are not.
            let tender = try #require(feed.first { $0["dataset"] as? String == "501" })
            #expect(Self.data(tender)["TENDERER_CODE"] == "91420102MA4K010137;140***********0012;91420103MA4K00627X", "\(Self.data(tender))")
            #expect((tender["masked"] as? [String])?.contains("TENDERER_CODE") == true)
            #expect(Self.data(tender)["REGION_CODE"] == "140105")
            // The legacy ID number is masked too, in its 18-digit form, and flagged.
            let candidateDocument = try #require(feed.first { $0["dataset"] as? String == "510" })
            #expect(Self.data(candidateDocument)["PM_CODE"] == "440***********0035", "\(Self.data(candidateDocument))")
            #expect(Self.flagCodes(candidateDocument) == ["id.resident_id_15"])
            #expect(!feed.contains { $0["key"] as? String == "E4201000001000002001" })
            // With a personal-data grant for 510, the record read gives the 18-digit number itself.
            try await Fixtures.grant("510", personalData: true, purpose: "核查项目负责人身份", in: hub.store)
            let read = try await consumer.record(dataset: "510", key: Self.candidateKey)
            let readDocument = try #require(try JSONSerialization.jsonObject(with: Data(read.body)) as? [String: Any], "\(read.bodyText)")
            #expect(read.status == 200 && Self.data(readDocument)["PM_CODE"] == Self.legacyIDIn18Digits, "\(read.bodyText)")

            // The destination: every accepted version once, whole, personal data included.
            #expect(await eventually { upstream.receivedRecords.count >= expected.count })
            let delivered = Self.deliveredDocuments(upstream)
            #expect(delivered.map(Self.identity).sorted() == feed.map(Self.identity).sorted(), "\(delivered.map(Self.identity))")
            let deliveredTender = try #require(delivered.first { $0["dataset"] as? String == "501" })
            #expect(Self.data(deliveredTender)["TENDERER_CODE"] == Self.jointCodes && Self.data(deliveredTender)["ISUNION"] == "1")
            let deliveredCandidate = try #require(delivered.first { $0["dataset"] as? String == "510" })
            #expect(Self.data(deliveredCandidate)["PM_CODE"] == Self.legacyIDIn18Digits && Self.flagCodes(deliveredCandidate) == ["id.resident_id_15"])
            let deliveredRetired = try #require(delivered.first { $0["key"] as? String == Self.projects[5].code })
            #expect(Self.flagCodes(deliveredRetired) == ["id.region_code_retired"])
            #expect(Self.flagCodes(try #require(delivered.first { $0["key"] as? String == Self.projects[4].code })).isEmpty)
            // The notice's insert, update and delete arrive in that order; the delete carries the last data.
            let notice = delivered.filter { $0["key"] as? String == Self.noticeKey }
            #expect(notice.map { "\($0["version"] as? Int ?? 0) \($0["operation"] as? String ?? "")" } == ["1 insert", "2 update", "3 delete"])
            #expect(Self.data(try #require(notice.last))["NOTICE_NAME"] == "太原市小店区示范学校新建工程施工招标公告（更正）")
            #expect(try await eventually { try await hub.store.queueStats(destinations: ["national"])[0].delivered == expected.count })
        }
        try await upstream.stop()
    }

    /// The first push, by index: 0–5 the projects, 6 the joint tender project, 7 another tender
    /// project whose joint tender carries a bad credit code, 8 the section, 9 the candidate, 10 the notice.
    static func firstBatch() throws -> [[String: Any]] {
        let projectRecords = try projects.map { project in
            try Fixtures.record("500", changing: [
                "PROJECT_CODE": project.code, "REGION_CODE": project.region, "PROJECT_NAME": project.name, "CREATE_TIME": project.created,
            ])
        }
        let jointTender = try Fixtures.record("501", changing: [
            "PROJECT_CODE": taiyuanProject, "TENDER_PROJECT_CODE": tenderProject, "REGION_CODE": "140105",
            "TENDER_PROJECT_NAME": "太原市小店区示范学校新建工程施工招标", "ISUNION": "1",
            "TENDERER_NAME": "太原示范建设投资有限公司;王建国;山西示范城建集团有限公司", "TENDERER_CODE_TYPE": "1;3;1", "TENDERER_CODE": jointCodes,
        ])
        // 91420102MA4K010138: the last character should be 7.
        let badJointTender = try Fixtures.record("501", changing: [
            "PROJECT_CODE": "E4201000001000002", "TENDER_PROJECT_CODE": "E4201000001000002001", "REGION_CODE": "440304",
            "TENDER_PROJECT_NAME": "深圳市福田区示范医院改扩建工程施工招标", "ISUNION": "1",
            "TENDERER_NAME": "深圳示范医院;深圳示范投资有限公司", "TENDERER_CODE_TYPE": "1;1", "TENDERER_CODE": "91420103MA4K00627X;91420102MA4K010138",
        ])
        let sectionRecord = try Fixtures.record("502", changing: [
            "TENDER_PROJECT_CODE": tenderProject, "BID_SECTION_CODE": section, "REGION_CODE": "140105", "TRA_PLACE_CODE": "140100",
        ])
        let candidate = try Fixtures.datasetRecord("510", changing: [
            "BID_SECTION_CODE": section, "WIN_CANDIDATE_CODE": candidateCode, "PM_CODE": legacyID, "BIDDER_REGION_CODE": "650102",
        ])
        var notice = try Fixtures.record("503", changing: ["NOTICE_NAME": "太原市小店区示范学校新建工程施工招标公告"])
        notice["dataKey"] = noticeDataKey
        return projectRecords + [jointTender, badJointTender, sectionRecord, candidate, notice]
    }

    static func send(_ client: IngestClient, _ records: [[String: Any]]) async throws -> IngestAnswer {
        let response = try await client.send(body: Fixtures.batch(records))
        #expect(response.status == 200, "\(response.bodyText)")
        return try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
    }

    /// The feed's versions of the pushed datasets, as JSON objects, from the start.
    static func feed(_ consumer: ConsumerClient) async throws -> [[String: Any]] {
        let response = try await consumer.feed(after: "0", datasets: ["500", "501", "502", "503", "510"], limit: 100)
        #expect(response.status == 200, "\(response.bodyText)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(page["more"] as? Bool == false)
        return page["versions"] as? [[String: Any]] ?? []
    }

    /// Every record document the upstream received, in the order it received them.
    static func deliveredDocuments(_ upstream: SimulatedUpstream) -> [[String: Any]] {
        upstream.received.flatMap { received -> [[String: Any]] in
            let body = try? JSONSerialization.jsonObject(with: Data(received.body)) as? [String: Any]
            return body?["records"] as? [[String: Any]] ?? []
        }
    }

    static func identity(_ document: [String: Any]) -> String {
        "\(document["dataset"] as? String ?? "?") \(document["key"] as? String ?? "?") v\(document["version"] as? Int ?? 0) \(document["operation"] as? String ?? "?")"
    }

    static func data(_ document: [String: Any]) -> [String: String] {
        (document["data"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }

    static func flagCodes(_ document: [String: Any]) -> [String] {
        (document["flags"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }
}
