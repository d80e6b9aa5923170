import Foundation
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import Testing

/// `shuniu consumers` and `shuniu grants`, run as the real executable against a real store.
@Suite("CLI: consumers and grants")
struct ConsumerCommandTests {
    @Test("An operator registers a consumer, grants it a conditional dataset for a purpose, lists and revokes it; all audited")
    func consumersAndGrants() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.path
        let added = try await CLI.run(["consumers", "add", "--id", "national-hub", "--name", "全国公共资源交易平台", "--data-dir", dataDir,
                                       "--operator", "li.na", "--json"])
        #expect(added.status == 0, "\(added.output)")
        let registered = try #require(try JSONSerialization.jsonObject(with: Data(added.output.utf8)) as? [String: Any])
        #expect((registered["appSecret"] as? String)?.count == 64)
        #expect(try await CLI.run(["consumers", "add", "--id", "national-hub", "--name", "again", "--data-dir", dataDir]).output.contains("already registered"))
        #expect(try await CLI.run(["consumers", "add", "--id", "Bad ID", "--name", "x", "--data-dir", dataDir]).status != 0)

        let list = try await CLI.run(["consumers", "list", "--data-dir", dataDir])
        #expect(list.output.contains("national-hub") && list.output.contains("600"))
        #expect(!list.output.contains(registered["appSecret"] as? String ?? "-"))

        // Refusals name the reason: not-conditional without personal data, unknown dataset, past expiry, no purpose.
        let unconditional = try await CLI.run(["grants", "add", "--consumer", "national-hub", "--dataset", "500", "--purpose", "监督", "--until", "2099-12-31", "--data-dir", dataDir])
        #expect(unconditional.status != 0 && unconditional.output.contains("无条件共享"))
        #expect(try await CLI.run(["grants", "add", "--consumer", "national-hub", "--dataset", "999", "--purpose", "监督", "--until", "2099-12-31", "--data-dir", dataDir]).output.contains("not in the spec"))
        #expect(try await CLI.run(["grants", "add", "--consumer", "national-hub", "--dataset", "507", "--purpose", "监督", "--until", "2001-01-01", "--data-dir", dataDir]).status != 0)
        #expect(try await CLI.run(["grants", "add", "--consumer", "nobody", "--dataset", "507", "--purpose", "监督", "--until", "2099-12-31", "--data-dir", dataDir]).output.contains("no consumer nobody"))

        let grant = try await CLI.run(["grants", "add", "--consumer", "national-hub", "--dataset", "507", "--purpose", "招标投标活动监督",
                                       "--until", "2099-12-31", "--personal-data", "--data-dir", dataDir, "--operator", "li.na"])
        #expect(grant.status == 0, "\(grant.output)")
        let grants = try await CLI.run(["grants", "list", "--data-dir", dataDir])
        #expect(grants.output.contains("507") && grants.output.contains("in force") && grants.output.contains("招标投标活动监督"))
        let store = try HubStore(directory: dataDir, create: false)
        let stored = try #require(try await store.grants(consumer: "national-hub").first)
        #expect(stored.approvedBy == "li.na" && stored.personalData)
        try store.close()

        #expect(try await CLI.run(["grants", "revoke", "\(stored.id)", "--reason", "任务结束", "--data-dir", dataDir, "--operator", "li.na"]).status == 0)
        #expect(try await CLI.run(["grants", "list", "--data-dir", dataDir]).output.contains("revoked by li.na"))
        #expect(try await CLI.run(["consumers", "suspend", "national-hub", "--data-dir", dataDir]).output.contains("suspended"))
        #expect(try await CLI.run(["consumers", "set-rate-limit", "national-hub", "60", "--data-dir", dataDir]).status == 0)

        let audit = try await CLI.run(["audit", "list", "--data-dir", dataDir, "--json"])
        for action in ["consumer.add", "grant.add", "grant.revoke", "consumer.suspend", "consumer.rate_limit"] {
            #expect(audit.output.contains(action), "\(action)")
        }

        // Narrowed to one operator and the last hour; each entry's detail is a JSON object, not a string.
        let mine = try await CLI.run(["audit", "list", "--data-dir", dataDir, "--json", "--actor", "li.na", "--since", "1h"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(mine.output.utf8)) as? [[String: Any]], "\(mine.output)")
        #expect(entries.contains { $0["action"] as? String == "grant.revoke" })
        #expect(!entries.isEmpty && entries.allSatisfy { $0["actor"] as? String == "li.na" }, "\(entries)")
        #expect(entries.allSatisfy { $0["detail"] is [String: Any] }, "\(entries.map { $0["detail"] ?? "" })")
        let future = try await CLI.run(["audit", "list", "--data-dir", dataDir, "--json", "--since", "2999-01-01"])
        #expect((try JSONSerialization.jsonObject(with: Data(future.output.utf8)) as? [Any])?.isEmpty == true, "\(future.output)")
        let badTime = try await CLI.run(["audit", "list", "--data-dir", dataDir, "--since", "yesterday"])
        #expect(badTime.status != 0 && badTime.output.contains("--since yesterday"))
    }
}
