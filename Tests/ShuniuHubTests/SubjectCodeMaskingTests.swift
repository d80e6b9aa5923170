import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuTesting
import Testing

/// A subject code (招标人代码) holds an organization's code or, for a natural person, an ID
/// number: masked by what the value is, not only by the field's flag.
@Suite("Subject codes that hold a person's identifier")
struct SubjectCodeMaskingTests {
    static let residentID = "11010519491231002X"

    @Test("A tenderer's ID number is masked in the feed and in record reads, typed as 居民身份证号 or not; an organization's credit code is not", arguments: [
        ("3", SubjectCodeMaskingTests.residentID, true),
        ("1", SubjectCodeMaskingTests.residentID, true),
        ("1", "91420102MA4K010137", false),
    ])
    func maskedByValue(type: String, code: String, masked: Bool) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let platform = hub.client(try await Fixtures.register(in: hub.store))
            let records = try Fixtures.sampleRecords().map { record -> [String: Any] in
                guard record["dataset"] as? String == "501" else { return record }
                var data = record["data"] as! [String: Any]
                data["TENDERER_CODE_TYPE"] = type
                data["TENDERER_CODE"] = code
                data["TENDERER_NAME"] = "张秀英"
                return ["dataset": "501", "data": data]
            }
            let pushed = try await platform.send(body: Fixtures.batch(records))
            #expect(pushed.status == 200 && !pushed.bodyText.contains("rejected\":1"), "\(pushed.bodyText)")
            let consumer = try await Fixtures.registerConsumer(on: hub)

            let feed = try FeedTests.page(try await consumer.feed(datasets: ["501"]))
            let version = try #require(feed.versions.first)
            let read = try #require(try JSONSerialization.jsonObject(with: Data(try await consumer.record(dataset: "501", key: "E4201000001000001001").body)) as? [String: Any])
            let readData = try #require(read["data"] as? [String: String])
            for (data, maskedFields) in [(version.data, version.masked ?? []), (readData, read["masked"] as? [String] ?? [])] {
                if masked {
                    #expect(data["TENDERER_CODE"] == "110***********002X", "\(data)")
                    #expect(maskedFields.contains("TENDERER_CODE"), "\(maskedFields)")
                } else {
                    #expect(data["TENDERER_CODE"] == code)
                    #expect(!maskedFields.contains("TENDERER_CODE"), "\(maskedFields)")
                }
            }
            // A grant for personal data shows it.
            try await Fixtures.grant("501", personalData: true, purpose: "核查招标人身份", in: hub.store)
            let shown = try FeedTests.page(try await consumer.feed(datasets: ["501"]))
            #expect(shown.versions.first?.data["TENDERER_CODE"] == code)
        }
    }

    @Test("In a joint tender each member's ID number is masked, the companies' credit codes are not")
    func jointTenderMaskedByElement() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let platform = hub.client(try await Fixtures.register(in: hub.store))
            let codes = "91420102MA4K010137;\(Self.residentID);91420103MA4K00627X"
            let records = try Fixtures.sampleRecords().map { record -> [String: Any] in
                guard record["dataset"] as? String == "501" else { return record }
                var data = record["data"] as! [String: Any]
                data["TENDERER_NAME"] = "甲建设有限公司;张秀英;乙投资有限公司"
                data["TENDERER_CODE_TYPE"] = "1;3;1"
                data["TENDERER_CODE"] = codes
                return ["dataset": "501", "data": data]
            }
            let pushed = try await platform.send(body: Fixtures.batch(records))
            #expect(pushed.status == 200 && !pushed.bodyText.contains("rejected\":1"), "\(pushed.bodyText)")
            let consumer = try await Fixtures.registerConsumer(on: hub)
            let feed = try FeedTests.page(try await consumer.feed(datasets: ["501"]))
            let version = try #require(feed.versions.first)
            #expect(version.data["TENDERER_CODE"] == "91420102MA4K010137;110***********002X;91420103MA4K00627X", "\(version.data)")
            #expect((version.masked ?? []).contains("TENDERER_CODE"))
            try await Fixtures.grant("501", personalData: true, purpose: "核查招标人身份", in: hub.store)
            #expect(try FeedTests.page(try await consumer.feed(datasets: ["501"])).versions.first?.data["TENDERER_CODE"] == codes)
        }
    }
}
