import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Every way a push can be refused: its own code and HTTP status, audited, nothing stored.
@Suite("Ingest refusals")
struct RefusalTests {
    enum Scenario: String, CaseIterable, CustomTestStringConvertible {
        case malformedJSON, notABatch, emptyBatch, bodyTooLarge, tooManyRecords
        case missingCredentials, unsupportedMethod, lowerCaseMethod, unknownAppKey, badSignature
        case staleTimestamp, futureTimestamp, replayedNonce
        case suspendedPlatform, expiredCertification, datasetNotAllowed, keyOwnedByOtherPlatform

        var testDescription: String { rawValue }

        /// Whether the caller had proved which platform it is when it was refused.
        var identified: Bool {
            switch self {
            case .bodyTooLarge, .missingCredentials, .unsupportedMethod, .lowerCaseMethod, .unknownAppKey, .badSignature, .staleTimestamp, .futureTimestamp: false
            default: true
            }
        }

        /// The HTTP status and code expected, and whether the refusal concerns the whole request.
        var expected: (status: Int, code: String, wholeRequest: Bool) {
            switch self {
            case .malformedJSON: (400, "request.malformed_json", true)
            case .notABatch, .emptyBatch: (400, "request.invalid_batch", true)
            case .bodyTooLarge: (413, "request.body_too_large", true)
            case .tooManyRecords: (413, "request.too_many_records", true)
            case .missingCredentials: (401, "auth.missing_credentials", true)
            case .unsupportedMethod, .lowerCaseMethod: (401, "auth.unsupported_signature_method", true)
            // Answered as a bad signature, so app keys cannot be enumerated; audited as what it is.
            case .unknownAppKey: (401, "auth.bad_signature", true)
            case .badSignature: (401, "auth.bad_signature", true)
            case .staleTimestamp, .futureTimestamp: (401, "auth.timestamp_out_of_window", true)
            case .replayedNonce: (409, "auth.nonce_reused", true)
            case .suspendedPlatform: (403, "platform.suspended", true)
            case .expiredCertification: (403, "platform.certification_expired", true)
            case .datasetNotAllowed: (403, "record.dataset_not_allowed", false)
            case .keyOwnedByOtherPlatform: (409, "record.key_owned_by_other_platform", false)
            }
        }
    }

    @Test("Refused with its own code and status, audited, storing nothing", arguments: Scenario.allCases)
    func refusal(scenario: Scenario) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.ingest.maxBodyBytes = 64 * 1024
            configuration.ingest.maxRecords = 5
        }) { hub in
            let store = hub.store
            let owner = try await Fixtures.register(in: store)
            let http = CurlHTTPClient()
            let validBody = try Fixtures.batch([Fixtures.record("500")])
            var baselineVersions = 0

            let response: ReceivedResponse
            switch scenario {
            case .malformedJSON:
                response = try await hub.client(owner).send(body: Array(#"{"records": [ {"dataset": "500", "#.utf8))
            case .notABatch:
                response = try await hub.client(owner).send(body: Array(#"[{"dataset": "500"}]"#.utf8))
            case .emptyBatch:
                response = try await hub.client(owner).send(body: Array(#"{"records": []}"#.utf8))
            case .bodyTooLarge:
                let padding = String(repeating: "x", count: 70 * 1024)
                response = try await hub.client(owner).send(body: try Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_SCALE": padding])]))
            case .tooManyRecords:
                response = try await hub.client(owner).send(body: try Fixtures.batch(Fixtures.projects(count: 6)))
            case .missingCredentials:
                response = try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + "/api/v1/records", body: validBody))
            case .unsupportedMethod:
                let headers = try hub.client(owner).signatureHeaders(path: "/api/v1/records", body: validBody).map {
                    $0.name == SignatureHeader.method ? ($0.name, "HMAC-MD5") : $0
                }
                response = try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + "/api/v1/records", headers: headers, body: validBody))
            case .lowerCaseMethod:
                let headers = try hub.client(owner).signatureHeaders(path: "/api/v1/records", body: validBody).map {
                    $0.name == SignatureHeader.method ? ($0.name, "hmac-sha256") : $0
                }
                response = try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + "/api/v1/records", headers: headers, body: validBody))
            case .unknownAppKey:
                response = try await hub.client(PlatformCredential(appKey: "ak-nobody", secret: owner.secret)).send(body: validBody)
            case .badSignature:
                response = try await hub.client(PlatformCredential(appKey: owner.appKey, secret: "guessed")).send(body: validBody)
            case .staleTimestamp:
                response = try await hub.client(owner).send(body: validBody, timestamp: Date().addingTimeInterval(-400))
            case .futureTimestamp:
                response = try await hub.client(owner).send(body: validBody, timestamp: Date().addingTimeInterval(400))
            case .replayedNonce:
                #expect(try await hub.client(owner).send(body: validBody, nonce: "once").status == 200)
                baselineVersions = 1
                let other = try Fixtures.batch(Fixtures.projects(count: 1, start: 7))
                response = try await hub.client(owner).send(body: other, nonce: "once")
            case .suspendedPlatform:
                let suspended = try await Fixtures.register(Fixtures.otherPlatformID, in: store, status: .suspended)
                response = try await hub.client(suspended).send(body: try Fixtures.batch(Fixtures.projects(count: 1, platform: Fixtures.otherPlatformID)))
            case .expiredCertification:
                let expired = try await Fixtures.register(Fixtures.otherPlatformID, in: store, certifiedUntil: CalendarDay("2020-01-31")!)
                response = try await hub.client(expired).send(body: try Fixtures.batch(Fixtures.projects(count: 1, platform: Fixtures.otherPlatformID)))
            case .datasetNotAllowed:
                let limited = try await Fixtures.register(Fixtures.otherPlatformID, in: store, datasets: ["500"])
                response = try await hub.client(limited).send(body: try Fixtures.batch([Fixtures.record("501")]))
            case .keyOwnedByOtherPlatform:
                // A penalty (3101) is keyed by the deciding authority and document number, not by a
                // platform's code: the first platform to send it owns it.
                let first = try await Fixtures.register(PlatformID(rawValue: "E4201000008")!, in: store, datasets: ["3101"])
                let penalty = try Fixtures.datasetRecord("3101")
                #expect(try await hub.client(first).send(body: Fixtures.batch([penalty])).status == 200)
                baselineVersions = 1
                let intruder = try await Fixtures.register(PlatformID(rawValue: "E4201000009")!, in: store, datasets: ["3101"])
                var changed = penalty
                var data = changed["data"] as! [String: Any]
                data["CF_SY"] = "改写的处罚事由"
                changed["data"] = data
                response = try await hub.client(intruder).send(body: try Fixtures.batch([changed]))
            }

            let expected = scenario.expected
            #expect(response.status == expected.status, "\(response.bodyText)")
            if expected.wholeRequest {
                let answer = try JSONDecoder().decode(ErrorAnswer.self, from: Data(response.body))
                #expect(answer.error.code == expected.code)
                #expect(!answer.error.message.isEmpty)
                if scenario.identified {
                    // The platform proved who it is: its refusal is an entry of its own.
                    let audit = try await store.auditEntries(limit: 1, action: "ingest.refused")
                    #expect(audit.first?.outcome == expected.code)
                    #expect(audit.first?.actorKind == .platform)
                    #expect(audit.first?.address == "127.0.0.1")
                } else {
                    // An unidentified caller is counted, and audited as its address's minute.
                    #expect(try await store.auditEntries(limit: 10, action: "ingest.refused").isEmpty)
                    await hub.hub.writeRefusalSummaries()
                    let summary = try #require(try await store.auditEntries(limit: 1, action: "anonymous.refused").first)
                    #expect(summary.address == "127.0.0.1" && summary.outcome == "summary")
                    // The audit log names the exact fault, though the answer does not tell an unknown key from a bad signature.
                    let logged = scenario == .unknownAppKey ? "auth.unknown_app_key" : expected.code
                    #expect(summary.detail.contains(#""\#(logged)":1"#), "\(summary.detail)")
                }
            } else {
                let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
                #expect(answer.results.first?.status == "rejected")
                #expect(answer.results.first?.problems?.first?.code == expected.code)
                let audit = try await store.auditEntries(limit: 1, action: "ingest.batch")
                #expect(audit.first?.outcome == "rejected")
                #expect(audit.first?.detail.contains(expected.code) == true)
            }
            #expect(try await store.versionCount() == baselineVersions)
            #expect(try await store.verifyAuditChain().intact)
        }
    }

    @Test("An unknown app key and a bad signature get the same answer; the audit log tells them apart")
    func unknownKeyAnsweredAsBadSignature() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let owner = try await Fixtures.register(in: hub.store)
            let body = try Fixtures.batch([Fixtures.record("500")])
            let unknown = try await hub.client(PlatformCredential(appKey: "ak-nobody", secret: owner.secret)).send(body: body)
            let bad = try await hub.client(PlatformCredential(appKey: owner.appKey, secret: "guessed")).send(body: body)
            #expect(unknown.status == 401 && bad.status == 401)
            #expect(unknown.bodyText == bad.bodyText, "\(unknown.bodyText) / \(bad.bodyText)")
            #expect(!unknown.bodyText.contains("ak-nobody"))
            let counted = try await hub.anonymousRefusals()
            #expect(counted == ["auth.unknown_app_key": 1, "auth.bad_signature": 1])
        }
    }

    @Test("A 60 KB app key or a 10 KB nonce is refused before any look-up, and neither is echoed nor audited", arguments: [
        (SignatureHeader.appKey, 60 * 1024), (SignatureHeader.nonce, 10 * 1024),
    ])
    func oversizedHeader(name: String, bytes: Int) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let owner = try await Fixtures.register(in: hub.store)
            let body = try Fixtures.batch([Fixtures.record("500")])
            let huge = String(repeating: "k", count: bytes)
            let headers = [("Content-Type", "application/json")] + (try hub.client(owner).signatureHeaders(path: "/api/v1/records", body: body)).map {
                $0.name == name ? ($0.name, huge) : $0
            }
            let response = try await CurlHTTPClient().send(OutgoingRequest(method: "POST", url: hub.baseURL + "/api/v1/records", headers: headers, body: body))
            #expect(response.status == 401, "\(response.bodyText.prefix(300))")
            let answer = try JSONDecoder().decode(ErrorAnswer.self, from: Data(response.body))
            #expect(answer.error.code == "auth.header_too_long")
            #expect(answer.error.message.contains(name) && response.body.count < 1024)
            #expect(try await hub.anonymousRefusals() == ["auth.header_too_long": 1])
            let entries = try await hub.store.auditEntries(limit: 10)
            #expect(entries.allSatisfy { $0.detail.utf8.count < 2048 && !$0.detail.contains("kkkk") })
            #expect(try await hub.store.versionCount() == 0)
        }
    }

    @Test("No secret appears in the audit log")
    func secretsStayOut() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(in: hub.store)
            _ = try await hub.client(credential).send(body: Fixtures.batch([Fixtures.record("500")]))
            _ = try await hub.client(PlatformCredential(appKey: credential.appKey, secret: "wrong-secret")).send(body: Fixtures.batch([Fixtures.record("500")]))
            await hub.hub.writeRefusalSummaries()
            let entries = try await hub.store.auditEntries(limit: 100)
            #expect(entries.count == 3)
            #expect(!entries.contains { $0.detail.contains(credential.secret) || $0.detail.contains("wrong-secret") })
            #expect(!String(describing: credential).contains(credential.secret))
        }
    }

    @Test("A platform over its pushes a minute gets 429 with Retry-After; nothing is stored or audited for it; others push on")
    func rateLimited() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            try await InProcessCommand.run(["platforms", "set-rate-limit", Fixtures.platformID.rawValue, "3", "--data-dir", folder.path, "--operator", "li.si"])
            let change = try #require(try await hub.store.auditEntries(limit: 1, action: "platform.rate_limit").first)
            #expect(change.actor == "li.si" && change.detail.contains(#""to":"3""#), "\(change.detail)")

            for number in 1...3 { #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: number))).status == 200) }
            let refusalsBefore = try await hub.store.auditEntries(limit: 100, action: "ingest.refused").count
            let limited = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: 4)))
            #expect(limited.status == 429 && limited.bodyText.contains("platform.rate_limited"), "\(limited.bodyText)")
            let retryAfter = try #require(limited.headers["retry-after"].flatMap(Int.init))
            #expect((1...20).contains(retryAfter))
            #expect(try await hub.store.versionCount() == 3)
            #expect(try await hub.store.auditEntries(limit: 100, action: "ingest.refused").count == refusalsBefore)

            // Another platform is not held back; the refusal is counted in the metrics.
            let other = hub.client(try await Fixtures.register(Fixtures.otherPlatformID, in: hub.store))
            #expect(try await other.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": "E4201000002000001"])])).status == 200)
            let metrics = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText
            #expect(metrics.contains(#"shuniu_ingest_requests_total{platform="E4201000001",outcome="platform.rate_limited"} 1"#), "\(metrics)")
        }
    }
}
