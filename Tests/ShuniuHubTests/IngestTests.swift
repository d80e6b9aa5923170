import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// End to end through a real hub on a loopback port and a real SQLite file.
@Suite("Ingest: signed pushes, versions and duplicates")
struct IngestTests {
    @Test("A signed batch is accepted, stored with provenance, and visible in status and audit", arguments: SignatureMethod.allCases)
    func signedPushAccepted(method: SignatureMethod) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(in: hub.store)

            let body = try Fixtures.batch(Fixtures.sampleRecords())
            let response = try await hub.client(credential, method: method).send(body: body)
            #expect(response.status == 200, "\(response.bodyText)")
            let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
            #expect(answer.accepted == 4 && answer.rejected == 0 && answer.duplicate == 0)
            #expect(answer.results.map(\.status) == ["accepted", "accepted", "accepted", "accepted"])
            #expect(answer.results.map(\.version) == [1, 1, 1, 1])
            #expect(Set(answer.results.compactMap(\.hubId)).count == 4)

            let section = try #require(try await hub.store.latestVersion(dataset: "502", key: "E4201000001000001001001"))
            #expect(section.sourcePlatform == "E4201000001")
            #expect(section.regionCode == "420102")
            #expect(section.specVersion == "V2.0-shuniu.5")
            #expect(section.contentHash.count == 64)
            #expect(section.normalizedPayload.contains(#""CONTRACT_RECKON_PRICE":"35800000""#))
            #expect(section.rawPayload.contains(#""CONTRACT_RECKON_PRICE":"35800000.00""#))

            let status = try await hub.store.status()
            #expect(status.records == 4 && status.versions == 4)
            #expect(status.platforms.first?.lastIngestAt != nil)
            let audit = try await hub.store.auditEntries(limit: 1, action: "ingest.batch")
            #expect(audit.first?.actor == "E4201000001")
            #expect(audit.first?.address == "127.0.0.1")
            #expect(audit.first?.detail.contains(#""accepted":4"#) == true)
        }
    }

    @Test("Same content again is a duplicate; changed content is the next version")
    func duplicatesAndVersions() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))

            let original = try Fixtures.batch([Fixtures.record("500")])
            #expect(try await client.send(body: original).status == 200)
            let again = try await client.send(body: original)
            let duplicate = try JSONDecoder().decode(IngestAnswer.self, from: Data(again.body))
            #expect(duplicate.results.first?.status == "duplicate")
            #expect(duplicate.results.first?.version == 1)
            // Whitespace around a value normalizes away: still a duplicate.
            let padded = try Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "  武汉市江岸区示范学校新建工程 "])])
            #expect(try JSONDecoder().decode(IngestAnswer.self, from: Data(try await client.send(body: padded).body)).results.first?.status == "duplicate")
            #expect(try await hub.store.versionCount() == 1)

            let corrected = try Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "示范学校新建工程（更正）"])])
            let second = try JSONDecoder().decode(IngestAnswer.self, from: Data(try await client.send(body: corrected).body))
            #expect(second.results.first?.status == "accepted")
            #expect(second.results.first?.version == 2)
            #expect(second.results.first?.hubId == duplicate.results.first?.hubId)
            let versions = try await hub.store.versions(dataset: "500", key: "E4201000001000001")
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions[0].contentHash != versions[1].contentHash)
        }
    }

    @Test("One bad record never sinks the good ones; each problem names code, path and label")
    func mixedBatch() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))

            let body = try Fixtures.batch([
                Fixtures.record("500"),
                Fixtures.record("501", changing: ["TENDERER_CODE": "91420100MA4K00010A", "TENDER_PROJECT_NAME": NSNull()]),
                ["dataset": "999", "data": [:] as [String: Any]],
                ["data": [:] as [String: Any]],
                ["dataset": 502, "data": (try Fixtures.record("502"))["data"]!],
            ])
            let response = try await client.send(body: body)
            #expect(response.status == 200)
            let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
            // The section's tender project was rejected, so the section refers to nothing (reference.missing).
            #expect(answer.results.map(\.status) == ["accepted", "rejected", "rejected", "rejected", "rejected"])
            let problems = try #require(answer.results[1].problems)
            #expect(problems.contains { $0.code == "id.credit_code" && $0.path == "$.records[1].data.TENDERER_CODE" && $0.label == "招标人代码" })
            #expect(problems.contains { $0.code == "field.required" && $0.path == "$.records[1].data.TENDER_PROJECT_NAME" && $0.label == "招标项目名称" })
            #expect(answer.results[2].problems?.first?.code == "record.dataset_unknown")
            #expect(answer.results[3].problems?.first?.code == "record.dataset_missing")
            #expect(answer.results[4].problems?.map(\.code) == ["reference.missing"])
            #expect(answer.results[4].problems?.first?.path == "$.records[4].data.TENDER_PROJECT_CODE")
            #expect(try await hub.store.versionCount() == 1)
            #expect(try await hub.store.latestVersion(dataset: "501", key: "E4201000001000001001") == nil)
        }
    }

    @Test("Health and readiness answer; an unknown route is 404")
    func health() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let http = CurlHTTPClient()
            let health = try await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/healthz"))
            #expect(health.status == 200 && health.bodyText.contains("ok"))
            let ready = try await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/readyz"))
            #expect(ready.status == 200 && ready.bodyText.contains(#""status":"ready""#) && ready.bodyText.contains(#""store":"sqlite""#), "\(ready.bodyText)")
            #expect(ready.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(try await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/nothing")).status == 404)
            #expect(try await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/records")).status == 404)
        }
    }

    @Test("A batch whose every record is invalid answers 422 and stores nothing")
    func allInvalid() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let response = try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["REGION_CODE": "000000"])]))
            #expect(response.status == 422)
            #expect(try await hub.store.versionCount() == 0)
        }
    }
}

/// The ingest answer as a platform reads it.
struct IngestAnswer: Decodable {
    struct Result: Decodable {
        var index: Int
        var status: String
        var dataset: String?
        var key: String?
        var hubId: Int64?
        var version: Int?
        var problems: [ProblemAnswer]?
        var warnings: [ProblemAnswer]?
    }

    struct ProblemAnswer: Decodable {
        var code: String
        var path: String
        var label: String?
        var message: String
    }

    var accepted: Int
    var duplicate: Int
    var rejected: Int
    var results: [Result]
}

/// A refused request's body.
struct ErrorAnswer: Decodable {
    struct Detail: Decodable {
        var code: String
        var message: String
    }

    var error: Detail
}
