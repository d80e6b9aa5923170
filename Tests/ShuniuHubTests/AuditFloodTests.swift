import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// A caller that cannot sign, or sends bodies built to fail, costs the hub little on disk: its
/// refusals are counted by address and minute, an address refused too often is turned away
/// unread, and answers and audit entries list a bounded number of problems.
@Suite("Audit floods")
struct AuditFloodTests {
    @Test("Unsigned and badly signed pushes and reads are counted, not audited one by one; past the limit an address is turned away unread")
    func refusalsSummarized() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { $0.refusalsPerMinutePerAddress = 50 }) { hub in
            let owner = try await Fixtures.register(in: hub.store)
            let body = try Fixtures.batch([Fixtures.record("500")])
            let http = CurlHTTPClient()
            // A minute's summary may be written while the flood goes on (a slow machine turns a minute); nothing else.
            let others = { try await hub.store.auditEntries(limit: 1000).filter { $0.action != "anonymous.refused" }.count }
            let entriesBefore = try await others()
            var statuses: [Int: Int] = [:]
            for round in 0..<150 {
                let response: ReceivedResponse
                switch round % 3 {
                case 0: response = try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + "/api/v1/records", body: body))
                case 1: response = try await hub.client(PlatformCredential(appKey: owner.appKey, secret: "guessed")).send(body: body)
                default: response = try await ConsumerClient(baseURL: hub.baseURL, appKey: "ck-nobody", secret: "guessed").feed()
                }
                statuses[response.status, default: 0] += 1
                if response.status == 429 {
                    #expect(response.bodyText.contains("request.too_many_refusals"), "\(response.bodyText)")
                    #expect(response.headers["retry-after"].flatMap(Int.init).map { (1...60).contains($0) } == true)
                }
            }
            // 50 refused with their own codes (100 if a minute turned over), the rest turned away.
            #expect((statuses[401] ?? 0) >= 50 && (statuses[401] ?? 0) <= 100, "\(statuses)")
            #expect((statuses[429] ?? 0) >= 50 && (statuses[401] ?? 0) + (statuses[429] ?? 0) == 150, "\(statuses)")
            // Even a good request from that address waits out the minute.
            #expect(try await hub.client(owner).send(body: body).status == 429)
            #expect(try await others() == entriesBefore)

            await hub.hub.writeRefusalSummaries()
            let summaries = try await hub.store.auditEntries(limit: 10, action: "anonymous.refused")
            #expect((1...2).contains(summaries.count) && summaries.allSatisfy { $0.address == "127.0.0.1" })
            let totals = try summaries.map { entry -> Int in
                let detail = try #require(try JSONSerialization.jsonObject(with: Data(entry.detail.utf8)) as? [String: Any])
                let counts = try #require(detail["counts"] as? [String: Int])
                #expect(Set(counts.keys).isSubset(of: ["auth.missing_credentials", "auth.bad_signature", "auth.unknown_app_key", "request.too_many_refusals"]), "\(counts)")
                return try #require(detail["total"] as? Int)
            }
            #expect(totals.reduce(0, +) == 151)
            #expect(try await hub.store.verifyAuditChain().intact)
        }
    }

    @Test("A record with thousands of problems lists twenty and counts the rest; the answer and the audit entry stay small")
    func problemsBounded() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            // A strict platform's unknown fields are each a problem (another's would be kept, up to a bound).
            try await hub.store.setStrictFields(Fixtures.platformID, to: true, by: "test")
            var records: [[String: Any]] = []
            for number in 1...10 {
                var record = try Fixtures.projects(count: 1, start: number)[0]
                var data = record["data"] as! [String: Any]
                for field in 0..<5_000 { data["UNKNOWN_FIELD_\(field)_" + String(repeating: "X", count: 100)] = "v" }
                record["data"] = data
                records.append(record)
            }
            let body = try Fixtures.batch(records)
            #expect(body.count > 5_000_000)
            let response = try await client.send(body: body)
            #expect(response.status == 422, "\(response.bodyText.prefix(300))")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let results = try #require(answer["results"] as? [[String: Any]])
            #expect(results.count == 10)
            for result in results {
                let problems = try #require(result["problems"] as? [[String: Any]])
                #expect(problems.count == 21)
                let last = try #require(problems.last)
                #expect(last["code"] as? String == "record.more_problems")
                #expect((last["message"] as? String)?.hasPrefix("4980 more problems") == true, "\(last)")
                #expect(problems.allSatisfy { ($0["path"] as? String ?? "").count <= 201 })
            }
            #expect(response.body.count < 200_000, "\(response.body.count)")
            let batch = try #require(try await hub.store.auditEntries(limit: 1, action: "ingest.batch").first)
            #expect(batch.detail.utf8.count < 100_000, "\(batch.detail.utf8.count)")
        }
    }
}
