import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// A platform cannot file records under another platform's codes and so lock it out of its own
/// project (一数一源 would make the squatter the owner); a successor the operators registered may.
@Suite("Codes of other platforms")
struct KeySquattingTests {
    static func codes(_ response: ReceivedResponse) throws -> [String] {
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let results = try #require(answer["results"] as? [[String: Any]])
        return results.flatMap { ($0["problems"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
    }

    @Test("A project, tender project or section code that begins with another platform's 交易平台标识码 is refused; its platform then files it")
    func squattingRefused() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let rightful = hub.client(try await Fixtures.register(in: hub.store))
            let squatter = hub.client(try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store))
            let squatted = "E4201000001777777"
            let project = try Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": squatted])])
            let refused = try await squatter.send(body: project)
            #expect(refused.status == 422, "\(refused.bodyText)")
            #expect(try Self.codes(refused) == ["record.code_of_other_platform"], "\(refused.bodyText)")
            #expect(refused.bodyText.contains("项目编号") && refused.bodyText.contains("E4201000001"))
            // The sample tender project and section carry E4201000001's codes too.
            for dataset in ["501", "502"] {
                let other = try await squatter.send(body: Fixtures.batch([Fixtures.record(dataset)]))
                #expect(try Self.codes(other).contains("record.code_of_other_platform"), "\(dataset): \(other.bodyText)")
            }
            #expect(try await hub.store.versionCount() == 0)
            let own = try await rightful.send(body: project)
            #expect(own.status == 200, "\(own.bodyText)")
            #expect(try await hub.store.latestVersion(dataset: "500", key: squatted)?.sourcePlatform == "E4201000001")
        }
    }

    @Test("After add-predecessor a successor creates its predecessor's codes and sends new versions of its records; the owner stays; audited")
    func successorMaySpeak() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let predecessor = hub.client(try await Fixtures.register(in: hub.store))
            let successor = hub.client(try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store))
            #expect(try await predecessor.send(body: Fixtures.batch([Fixtures.record("500")])).status == 200)
            let renamed = try Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "合并后更名的项目"])])
            #expect(try Self.codes(try await successor.send(body: renamed)) == ["record.code_of_other_platform"])

            try await InProcessCommand.run([
                "platforms", "add-predecessor", Fixtures.otherPlatformID.rawValue, Fixtures.platformID.rawValue,
                "--reason", "两平台合并（示例公告）", "--data-dir", folder.path, "--operator", "zhang.san",
            ])
            let audit = try #require(try await hub.store.auditEntries(limit: 1, action: "platform.predecessor").first)
            #expect(audit.actor == "zhang.san" && audit.subject == Fixtures.otherPlatformID.rawValue && audit.detail.contains("两平台合并"), "\(audit.detail)")
            #expect(try await hub.store.platform(Fixtures.otherPlatformID)?.predecessors == [Fixtures.platformID])

            let update = try await successor.send(body: renamed)
            #expect(update.status == 200, "\(update.bodyText)")
            let latest = try #require(try await hub.store.latestVersion(dataset: "500", key: "E4201000001000001"))
            #expect(latest.version == 2 && latest.normalizedPayload.contains("合并后更名的项目"))
            let created = try await successor.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": "E4201000001777777"])]))
            #expect(created.status == 200, "\(created.bodyText)")
            // Not the other way round: the predecessor does not speak for its successor.
            let reverse = try await predecessor.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": "E4201000002000001"])]))
            #expect(try Self.codes(reverse) == ["record.code_of_other_platform"])
        }
    }
}
