import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Rules beyond one record, checked at ingest against the batch and the store: references,
/// candidate rankings, bid opening after the bid deadline, and publication deadlines as warnings.
@Suite("Ingest: references, sequences and deadlines")
struct BatchRuleTests {
    static let section = "E4201000001000001001001"

    /// A hub with the sample chain (500, 501, 502, 503 of section 001) already stored.
    func hubWithChain(_ folder: TemporaryDirectory) async throws -> (RunningHub, IngestClient) {
        let hub = try await RunningHub.start(dataDir: folder.path)
        let credential = try await Fixtures.register(in: hub.store, datasets: hub.hub.spec.datasets.keys.sorted())
        let client = hub.client(credential)
        let chain = try await client.send(body: Fixtures.batch(Fixtures.sampleRecords()))
        #expect(chain.status == 200, "\(chain.bodyText)")
        return (hub, client)
    }

    func send(_ client: IngestClient, _ records: [[String: Any]]) async throws -> IngestAnswer {
        let response = try await client.send(body: Fixtures.batch(records))
        return try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
    }

    func candidate(rank: Int, code: String) throws -> [String: Any] {
        // Each candidate its own name: the spec's duplicate check (RepeatCols) refuses one name twice in a section.
        try Fixtures.datasetRecord("510", changing: ["WIN_CANDIDATE_ORDER": String(rank), "WIN_CANDIDATE_CODE": code, "WIN_CANDIDATE_NAME": "候选人 \(code)"])
    }

    @Test("A record whose referenced record is neither stored nor in the batch is refused; sent first or together, it is accepted")
    func references() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let all = try Fixtures.sampleRecords()

            let alone = try await send(client, [all[2]])
            #expect(alone.results.first?.problems?.map(\.code) == ["reference.missing"])
            #expect(alone.results.first?.problems?.first?.path == "$.records[0].data.TENDER_PROJECT_CODE")
            #expect(alone.results.first?.problems?.first?.message.contains("501") == true)

            // Project and tender project first, then the section refers to the stored one.
            let first = try await send(client, [all[0], all[1]])
            #expect(first.accepted == 2, "\(first.results)")
            let later = try await send(client, [all[2]])
            #expect(later.accepted == 1, "\(later.results)")
            // A notice naming a section that does not exist, among those that do.
            let notice = try await send(client, [Fixtures.record("503", changing: [
                "BID_SECTION_CODES": "\(Self.section),E4201000001000001001009",
                "UNIFIED_DEAL_CODES": "E420100000100000100100120261105000000001,E420100000100000100100920261105000000009",
            ])])
            #expect(notice.results.first?.problems?.map(\.code) == ["reference.missing"])
            #expect(notice.results.first?.problems?.first?.message.contains("E4201000001000001001009") == true)
        }
    }

    @Test("Candidate ranks of a section run 1..n without gaps or repeats, across batches")
    func candidateRanks() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, client) = try await hubWithChain(folder)

        let gap = try await send(client, [candidate(rank: 1, code: "91420102MA4K010137"), candidate(rank: 3, code: "91420106MA4K02024C")])
        #expect(gap.rejected == 2)
        let problem = try #require(gap.results.first?.problems?.first)
        #expect(problem.code == "rule.sequence" && problem.path == "$.records[0].data.WIN_CANDIDATE_ORDER")
        #expect(problem.message.contains("missing 2"))

        let repeated = try await send(client, [candidate(rank: 1, code: "91420102MA4K010137"), candidate(rank: 1, code: "91420106MA4K02024C")])
        #expect(repeated.rejected == 2)
        #expect(repeated.results.first?.problems?.first?.message.contains("repeated 1") == true)

        let good = try await send(client, [candidate(rank: 1, code: "91420102MA4K010137"), candidate(rank: 2, code: "91420106MA4K02024C")])
        #expect(good.accepted == 2, "\(good.results)")
        // Stored ranks count: a third candidate continues the sequence, a fifth leaves a gap.
        #expect(try await send(client, [candidate(rank: 3, code: "91420111MA4K03035Y")]).accepted == 1)
        let fifth = try await send(client, [candidate(rank: 5, code: "91420100MA4K00010R")])
        #expect(fifth.results.first?.problems?.first?.code == "rule.sequence")
        try await hub.stop()
    }

    @Test("The winner is one of the section's candidates, or an explanation is given")
    func winnerAmongCandidates() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, client) = try await hubWithChain(folder)
        #expect(try await send(client, [candidate(rank: 1, code: "91420102MA4K010137")]).accepted == 1)

        let stranger = try await send(client, [Fixtures.datasetRecord("513", changing: ["WIN_BIDDER_CODE": "91420106MA4K02024C", "OTHER_EXPLANATION": NSNull()])])
        let problem = try #require(stranger.results.first?.problems?.first)
        #expect(problem.code == "reference.missing" && problem.path == "$.records[0].data.BID_SECTION_CODE")
        #expect(problem.message.contains("OTHER_EXPLANATION"))

        let explained = try await send(client, [Fixtures.datasetRecord("513", changing: [
            "WIN_BIDDER_CODE": "91420106MA4K02024C", "OTHER_EXPLANATION": "第一中标候选人放弃中标，依法确定第二中标候选人为中标人",
        ])])
        #expect(explained.accepted == 1, "\(explained.results)")
        try await hub.stop()
    }

    @Test("Bid opening is not before the bid deadline of the tender project's notices")
    func openingAfterDeadline() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, client) = try await hubWithChain(folder)
        let sectionOnly = ["BID_SECTION_CODES": Self.section, "UNIFIED_DEAL_CODES": "E420100000100000100100120261105000000001"]

        let early = try await send(client, [Fixtures.datasetRecord("506", changing: sectionOnly.merging(["BID_OPENING_TIME": "20261130093000"]) { $1 })])
        let problem = try #require(early.results.first?.problems?.first)
        #expect(problem.code == "reference.time_order")
        #expect(problem.path == "$.records[0].data.BID_OPENING_TIME")
        #expect(problem.message.contains("20261201093000"))

        let onTime = try await send(client, [Fixtures.datasetRecord("506", changing: sectionOnly)])
        #expect(onTime.accepted == 1, "\(onTime.results)")
        try await hub.stop()
    }

    @Test("A missed publication deadline is accepted with a warning, and audited")
    func deadlineWarning() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, client) = try await hubWithChain(folder)
        #expect(try await send(client, [Fixtures.datasetRecord("509")]).accepted == 1)

        let onTime = try await send(client, [Fixtures.datasetRecord("511")])
        #expect(onTime.accepted == 1 && onTime.results.first?.warnings == nil, "\(onTime.results)")

        // Report submitted 2026-12-02 18:00; publicity starting 2026-12-08 is more than 3 days later.
        let late = try await send(client, [Fixtures.datasetRecord("511", changing: [
            "PUBLICITY_START_TIME": "20261208090000", "PUBLICITY_END_TIME": "20261211090000",
        ])])
        #expect(late.accepted == 1)
        let warning = try #require(late.results.first?.warnings?.first)
        #expect(warning.code == "deadline.missed")
        #expect(warning.path == "$.records[0].data.PUBLICITY_START_TIME")
        #expect(warning.message.contains("D1-publicity-start") && warning.message.contains("第五十四条"))
        let audit = try await hub.store.auditEntries(limit: 1, action: "ingest.batch")
        #expect(audit.first?.detail.contains("deadline.missed") == true)
        try await hub.stop()
    }

    @Test("A deadline whose last day falls in a holiday runs to the next working day: 3 days from 29 September 2026 end on 8 October")
    func deadlineAcrossHoliday() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, client) = try await hubWithChain(folder)
        // The report came on Tuesday 29 September, 18:00; 2 October is in 国庆节 (1–7 October).
        let report = try await send(client, [Fixtures.datasetRecord("509", changing: ["END_TIME": "20260929170000", "SUBMIT_TIME": "20260929180000"])])
        #expect(report.accepted == 1, "\(report.results)")

        let onTime = try await send(client, [Fixtures.datasetRecord("511", changing: [
            "PUBLICITY_REFER_TIME": "20260930170000", "PUBLICITY_START_TIME": "20261008090000", "PUBLICITY_END_TIME": "20261011090000",
        ])])
        #expect(onTime.accepted == 1 && onTime.results.first?.warnings == nil, "9 calendar days, yet on time: \(onTime.results)")

        let late = try await send(client, [Fixtures.datasetRecord("511", changing: [
            "PUBLICITY_REFER_TIME": "20260930170000",
            "PUBLICITY_START_TIME": "20261009090000", "PUBLICITY_END_TIME": "20261012090000",
        ])])
        let warning = try #require(late.results.first?.warnings?.first, "\(late.results)")
        #expect(warning.code == "deadline.missed")
        #expect(warning.message.contains("after the last day of 3 days, 2026-10-08, moved from 2026-10-02 (国庆节)"), "\(warning.message)")
        try await hub.stop()
    }

    @Test("A candidate listed as 失信被执行人 or on a 黑名单 in force is flagged, not refused; a revoked or withdrawn entry flags nothing")
    func listedParticipantsFlagged() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, client) = try await hubWithChain(folder)
        let (first, second, third) = ("91420102MA4K010137", "91420106MA4K02024C", "91420111MA4K03035Y")
        let lists = try await send(client, [
            Fixtures.datasetRecord("3103", changing: ["SX_BZXR_DM": first]),
            Fixtures.datasetRecord("302", changing: ["BODY_CODE": second, "REVOCATION_STATUS": "0"]),
            Fixtures.datasetRecord("302", changing: ["BLACKLIST_CODE": "0b9e7d52-41a3-4c6f-8e2d-5a7c9f1b3d02", "BODY_CODE": third, "REVOCATION_STATUS": "1"]),
            Fixtures.datasetRecord("509"),
        ])
        #expect(lists.accepted == 4, "\(lists.results)")

        let publicity = try await send(client, [Fixtures.datasetRecord("511")])
        #expect(publicity.accepted == 1, "\(publicity.results)")
        let flagged = (publicity.results.first?.warnings ?? []).filter { $0.code == "participant.listed" }
        #expect(Set(flagged.map(\.path)) == ["$.records[0].data.FIRST_BIDDER_CODE", "$.records[0].data.SECOND_BIDDER_CODE"], "\(flagged)")
        #expect(flagged.contains { $0.message.contains("失信被执行人 (dataset 3103, hub record") } && flagged.contains { $0.message.contains("黑名单 (dataset 302") })
        #expect(!flagged.contains { $0.message.contains(first) || $0.message.contains(second) }, "no code in the message: \(flagged)")
        // The flags travel with the version: to every destination and feed reader (one document for both).
        let stored = try #require(try await hub.store.latestVersion(dataset: "511", key: "E4201000001000001001|E4201000001:E4201000001-511-0001"))
        #expect(stored.document().contains(#""flags":[{"code":"participant.listed""#), "\(stored.document())")
        let reader = try await Fixtures.registerConsumer(on: hub)
        #expect(try await reader.record(dataset: "511", key: "E4201000001000001001|E4201000001:E4201000001-511-0001").bodyText.contains(#""code":"participant.listed""#))
        let shown = try await CLI.run(["records", "show", "511", "E4201000001000001001|E4201000001:E4201000001-511-0001", "--data-dir", hub.dataDir])
        #expect(shown.output.contains("version 1 flagged participant.listed: 第一中标候选人"), "\(shown.output)")
        let audit = try #require(try await hub.store.auditEntries(limit: 1, action: "ingest.batch").first)
        #expect(audit.detail.contains("participant.listed $.records[0].data.FIRST_BIDDER_CODE"), "\(audit.detail)")

        // The blacklist entry is withdrawn: the next version flags only the 失信被执行人.
        #expect(try await send(client, [Fixtures.datasetRecord("303", changing: ["BODY_CODE": second])]).accepted == 1)
        let corrected = try await send(client, [Fixtures.datasetRecord("511", changing: ["PUBLICITY_END_TIME": "20261208090000"])])
        let still = (corrected.results.first?.warnings ?? []).filter { $0.code == "participant.listed" }
        #expect(corrected.accepted == 1 && still.map(\.path) == ["$.records[0].data.FIRST_BIDDER_CODE"], "\(corrected.results)")

        // The 失信被执行人 listing is deleted by its source (a tombstone): it lists no one any more.
        let listing = try Fixtures.datasetRecord("3103", changing: ["SX_BZXR_DM": first])["data"] as! [String: Any]
        let deleted = try await send(client, [["dataset": "3103", "operation": "delete", "data": ["SX_AH": listing["SX_AH"]!, "SX_BZXR_DM": first]]])
        #expect(deleted.accepted == 1, "\(deleted.results)")
        let cleared = try await send(client, [Fixtures.datasetRecord("511", changing: ["PUBLICITY_END_TIME": "20261209090000"])])
        #expect(cleared.accepted == 1 && (cleared.results.first?.warnings ?? []).allSatisfy { $0.code != "participant.listed" }, "\(cleared.results)")
        try await hub.stop()
    }

    @Test("Many problems of one kind come back grouped by rule and path, every instance listed")
    func groupedProblems() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            var projects = try Fixtures.projects(count: 12)
            for index in projects.indices {
                var data = projects[index]["data"] as! [String: Any]
                data["CREATE_TIME"] = "2026-11-01 09:30"
                projects[index]["data"] = data
            }
            let response = try await client.send(body: Fixtures.batch(projects))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let groups = try #require(object["problemGroups"] as? [[String: Any]])
            #expect(groups.count == 1)
            #expect(groups.first?["path"] as? String == "$.records[*].data.CREATE_TIME")
            #expect(groups.first?["code"] as? String == "field.datetime")
            #expect(groups.first?["count"] as? Int == 12)
            #expect((groups.first?["instances"] as? [Any])?.count == 12)
        }
    }
}
