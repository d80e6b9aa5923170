import Foundation
import ShuniuCore
import ShuniuTesting
import Testing

/// Region codes at ingest: every GB/T 2260 code in force is accepted, a retired one is accepted
/// with a warning that travels with the record, and a code in no table is refused.
@Suite("Ingest: GB/T 2260 region codes")
struct RegionCodeTests {
    @Test("Projects across provinces are accepted; a retired county's code with a warning; a made-up code is refused")
    func regionCodes() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            // 太原市, 深圳市, 乌鲁木齐市, 石家庄高新技术产业开发区; 大同县 (retired after the
            // 2018-01 revision, the projects are from 2026); 149999, in no table.
            let codes = ["140100", "440300", "650100", "130171", "140227", "149999"]
            let records = try Fixtures.projects(count: codes.count).enumerated().map { index, record in
                var data = record["data"] as! [String: Any]
                data["REGION_CODE"] = codes[index]
                return ["dataset": "500", "data": data] as [String: Any]
            }
            let response = try await client.send(body: Fixtures.batch(records))
            let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
            #expect(answer.accepted == 5 && answer.rejected == 1, "\(response.bodyText)")

            for result in answer.results.prefix(4) {
                #expect(result.status == "accepted" && result.warnings == nil && result.problems == nil, "\(result)")
            }
            let retired = answer.results[4]
            #expect(retired.status == "accepted")
            let warning = try #require(retired.warnings?.first)
            #expect(retired.warnings?.count == 1)
            #expect(warning.code == "id.region_code_retired" && warning.path == "$.records[4].data.REGION_CODE" && warning.label == "项目所在行政区域代码")
            #expect(warning.message.contains("大同县") && warning.message.contains("2018-01"), "\(warning.message)")

            let refused = answer.results[5]
            #expect(refused.status == "rejected" && refused.problems?.map(\.code) == ["id.region_code"], "\(refused)")
            #expect(refused.problems?.first?.path == "$.records[5].data.REGION_CODE")

            // Stored as 太原市's project, and the retired code's warning kept with its version.
            let key = { (index: Int) in (records[index]["data"] as! [String: Any])["PROJECT_CODE"] as! String }
            #expect(try await hub.store.latestVersion(dataset: "500", key: key(0))?.regionCode == "140100")
            #expect(try await hub.store.latestVersion(dataset: "500", key: key(4))?.flags?.contains("id.region_code_retired") == true)
            #expect(try await hub.store.latestVersion(dataset: "500", key: key(5)) == nil)
            let audit = try await hub.store.auditEntries(limit: 1, action: "ingest.batch")
            #expect(audit.first?.detail.contains("id.region_code_retired $.records[4].data.REGION_CODE") == true, "\(audit.first?.detail ?? "")")
        }
    }
}
