import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Doubt and correction (疑义校核) end to end: a consumer disputes, the record is marked, the
/// platform's operators see it, and a corrected version or a reasoned rejection closes it.
@Suite("Disputes: raised by consumers, closed by a correction or a rejection")
struct DisputeTests {
    static let sectionKey = SharingTests.sectionKey

    @Test("A dispute marks the record, is listed for its platform, and a corrected version closes it")
    func correctedVersionCloses() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, platform) = try await SharingTests.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer("wuhan-supervision", on: hub)

        let raised = try await consumer.dispute(dataset: "502", key: Self.sectionKey, field: "CONTRACT_RECKON_PRICE", reason: "合同估算价与招标公告不一致")
        #expect(raised.status == 201, "\(raised.bodyText)")
        let dispute = try JSONDecoder.iso.decode(Dispute.self, from: Data(raised.body))
        #expect(dispute.platform == Fixtures.platformID.rawValue && dispute.version == 1 && dispute.status == .open)
        #expect(dispute.fieldLabel == "标段合同估算价")

        // Marked on the record as read, in the feed too.
        let record = try SharingTests.object(try await consumer.record(dataset: "502", key: Self.sectionKey))
        let marks = try #require(record["disputes"] as? [[String: Any]])
        #expect(marks.first?["field"] as? String == "CONTRACT_RECKON_PRICE")
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(try await consumer.feed(datasets: ["502"]).body)) as? [String: Any])
        #expect(((feed["versions"] as? [[String: Any]])?.first?["disputes"] as? [[String: Any]])?.count == 1)

        // Listed for the source platform's operators.
        let listed = try await CLI.run(["disputes", "list", "--platform", Fixtures.platformID.rawValue, "--data-dir", hub.dataDir, "--json"])
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.output.contains("合同估算价与招标公告不一致"))
        // The morning check shows it, and when the consumer last read.
        let status = try await CLI.run(["status", "--data-dir", hub.dataDir])
        #expect(status.output.contains("open disputes: \(Fixtures.platformID.rawValue) 1"), "\(status.output)")
        #expect(status.output.contains("wuhan-supervision") && !status.output.contains("wuhan-supervision  active  -"))

        // A new version that leaves the field alone does not answer the dispute.
        let renamed = try Fixtures.record("502", changing: ["BID_SECTION_NAME": "示范学校新建工程施工（第一标段）"])
        #expect(try await platform.send(body: Fixtures.batch([renamed])).status == 200)
        #expect(try await hub.store.dispute(dispute.id)?.status == .open)

        // The platform sends a corrected version: the dispute closes by itself.
        let corrected = try Fixtures.record("502", changing: ["BID_SECTION_NAME": "示范学校新建工程施工（第一标段）", "CONTRACT_RECKON_PRICE": "35000000.00"])
        #expect(try await platform.send(body: Fixtures.batch([corrected])).status == 200)
        let closed = try #require(try await hub.store.dispute(dispute.id))
        #expect(closed.status == .corrected && closed.correctedVersion == 3 && closed.resolvedBy == Fixtures.platformID.rawValue)
        let after = try SharingTests.object(try await consumer.record(dataset: "502", key: Self.sectionKey))
        #expect(after["disputes"] == nil && after["version"] as? Int == 3)
        #expect(try await hub.store.auditEntries(limit: 1, action: "dispute.open").first?.actor == "wuhan-supervision")
        #expect(try await hub.store.auditEntries(limit: 1, action: "dispute.corrected").first?.actor == Fixtures.platformID.rawValue)
        // Nothing is deleted: both versions and the dispute remain.
        #expect(try await hub.store.versions(dataset: "502", key: Self.sectionKey).count == 3)
        try await hub.stop()
    }

    @Test("An operator rejects a dispute with a reason; the record stands and the rejection is audited")
    func rejectedWithReason() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await SharingTests.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)
        let raised = try await consumer.dispute(dataset: "502", key: Self.sectionKey, field: "BID_SECTION_NAME", reason: "标段名称疑似错误")
        let dispute = try JSONDecoder.iso.decode(Dispute.self, from: Data(raised.body))

        let refusedEmpty = try await CLI.run(["disputes", "resolve", "\(dispute.id)", "--reason", " ", "--data-dir", hub.dataDir])
        #expect(refusedEmpty.status != 0)
        let resolved = try await CLI.run(["disputes", "resolve", "\(dispute.id)", "--reason", "经核实名称与招标文件一致", "--data-dir", hub.dataDir, "--operator", "zhao.lei"])
        #expect(resolved.status == 0, "\(resolved.output)")
        let closed = try #require(try await hub.store.dispute(dispute.id))
        #expect(closed.status == .rejected && closed.resolvedBy == "zhao.lei" && closed.resolution == "经核实名称与招标文件一致")
        let again = try await CLI.run(["disputes", "resolve", "\(dispute.id)", "--reason", "再次", "--data-dir", hub.dataDir])
        #expect(again.status != 0 && again.output.contains("rejected already"))
        #expect(try await hub.store.auditEntries(limit: 1, action: "dispute.reject").first?.actor == "zhao.lei")
        let record = try SharingTests.object(try await consumer.record(dataset: "502", key: Self.sectionKey))
        #expect(record["disputes"] == nil && record["version"] as? Int == 1)
        try await hub.stop()
    }

    @Test("Bad disputes are refused: unknown field, empty reason, unknown record, dataset not readable")
    func badDisputes() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (hub, _) = try await SharingTests.hubWithRecords(in: folder)
        let consumer = try await Fixtures.registerConsumer(on: hub)
        let unknownField = try await consumer.dispute(dataset: "502", key: Self.sectionKey, field: "NO_SUCH_FIELD", reason: "x")
        SharingTests.expectRefused(unknownField, 400, "dispute.invalid")
        #expect(unknownField.bodyText.contains("$.field"))
        SharingTests.expectRefused(try await consumer.dispute(dataset: "502", key: Self.sectionKey, field: "BID_SECTION_NAME", reason: "  "), 400, "dispute.invalid")
        SharingTests.expectRefused(try await consumer.dispute(dataset: "502", key: "E4201000001999999999999", field: "BID_SECTION_NAME", reason: "x"), 404, "read.not_found")
        SharingTests.expectRefused(try await consumer.dispute(dataset: "507", key: SharingTests.bidderKey, field: "BID_PRICE", reason: "x"), 403, "sharing.grant_required")
        #expect(try await hub.store.disputes().isEmpty)
        try await hub.stop()
    }
}

extension JSONDecoder {
    /// Decodes the hub's ISO 8601 dates.
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
