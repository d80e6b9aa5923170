import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Testing

/// The registry's ports where several instances share one PostgreSQL database: two operators
/// running the same command on two instances at once.
@Suite("PostgreSQL: the registry across instances", .postgresCluster)
struct PostgresRegistryTests {
    private func withTwoInstances(_ body: (PostgresStore, PostgresStore, PostgresTestDatabase) async throws -> Void) async throws {
        try await PostgresTestDatabase.withTwoInstances(body)
    }

    /// Runs `change` on both stores at once; answers the error codes of those refused (a fault
    /// that is not a ``StoreError`` counts as `unavailable`).
    private func race(_ first: PostgresStore, _ second: PostgresStore, _ change: @escaping @Sendable (PostgresStore, Int) async throws -> Void) async -> [StoreError.Code] {
        await withTaskGroup(of: StoreError.Code?.self) { group in
            for (index, store) in [first, second].enumerated() {
                group.addTask {
                    do {
                        try await change(store, index)
                        return nil
                    } catch {
                        return (error as? StoreError)?.code ?? .unavailable
                    }
                }
            }
            return await group.reduce(into: []) { codes, code in if let code { codes.append(code) } }
        }
    }

    @Test("One certificate registered from two instances at once, for two platforms: one registration, the other refused as registered, one audit entry")
    func certificateRacedAcrossInstances() async throws {
        try await withTwoInstances { first, second, database in
            for round in 0..<8 {
                let fingerprint = String(format: "%064x", round + 1)
                let refused = await race(first, second) { store, index in
                    let certificate = PlatformCertificate(
                        platform: index == 0 ? Fixtures.platformID : Fixtures.otherPlatformID, fingerprint: fingerprint, der: [1, 2, UInt8(round)],
                        chain: [], ca: "test-ca", subject: "CN=测试", serial: "0\(round)", identityCode: "91420100MA4KXXXX0X",
                        identityCodeType: "creditCode", notAfter: Date().addingTimeInterval(86_400), addedBy: "ops", addedAt: Date()
                    )
                    _ = try await store.addPlatformCertificate(certificate, by: "ops-\(index)")
                }
                #expect(refused == [.certificateRegistered], "round \(round)")
                let registrations = try await database.cluster.psql(database.url, "SELECT count(*) FROM platform_certificate WHERE fingerprint = '\(fingerprint)'")
                let audited = try await database.cluster.psql(database.url, """
                    SELECT count(*) FROM audit_entry WHERE action = 'platform.certificate.add' AND detail::jsonb ->> 'fingerprint' = '\(fingerprint)'
                    """)
                #expect(registrations == "1" && audited == "1", "round \(round)")
            }
        }
    }

    @Test("One platform id registered from two instances at once: one registration, the other refused as existing, one audit entry")
    func platformRacedAcrossInstances() async throws {
        try await withTwoInstances { first, second, database in
            for round in 0..<8 {
                let id = try #require(PlatformID(rawValue: "E42010001\(String(format: "%02d", round))"))
                let refused = await race(first, second) { store, index in
                    let platform = Platform(
                        id: id, name: "并发平台", status: .active, certifiedUntil: CalendarDay("2099-12-31")!, allowedDatasets: ["500"],
                        appKey: "ak-\(id.rawValue)-\(index)", createdAt: Date(), updatedAt: Date()
                    )
                    try await store.addPlatform(platform, secret: "s", by: "ops-\(index)")
                }
                #expect(refused == [.platformExists], "round \(round)")
                let audited = try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'platform.add' AND subject = '\(id.rawValue)'")
                #expect(audited == "1", "round \(round)")
            }
        }
    }

    @Test("One consumer registered, and one certificate given to two consumers, from two instances at once: one each, the other refused, one audit entry each")
    func consumerRacedAcrossInstances() async throws {
        try await withTwoInstances { first, second, database in
            for round in 0..<5 {
                let id = "hub-\(round)"
                let registrations = await race(first, second) { store, index in
                    let now = Date()
                    let consumer = Consumer(id: id, name: "上级平台", appKey: "ck-\(id)-\(index)", requestsPerMinute: 100, createdAt: now, updatedAt: now)
                    try await store.addConsumer(consumer, secret: "s", by: "ops-\(index)")
                }
                #expect(registrations == [.consumerExists], "round \(round)")
                let added = try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'consumer.add' AND subject = '\(id)'")
                #expect(added == "1", "round \(round)")
            }
            let fingerprint = String(repeating: "cd", count: 32)
            let certificates = await race(first, second) { store, index in
                let certificate = ConsumerCertificate(
                    fingerprint: fingerprint, der: [9, 9], chain: [], ca: "test-ca", subject: "CN=上级", identityCode: "11100000000000000X",
                    notAfter: Date().addingTimeInterval(86_400)
                )
                _ = try await store.setConsumerCertificate("hub-\(index)", to: certificate, by: "ops-\(index)")
            }
            #expect(certificates == [.certificateRegistered])
            let holders = try await database.cluster.psql(database.url, "SELECT count(*) FROM consumer WHERE certificate_fingerprint = '\(fingerprint)'")
            let audited = try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'consumer.certificate'")
            #expect(holders == "1" && audited == "1")
        }
    }

    @Test("A grant revoked and a code allowed from two instances at once: each changed and audited once, the other refused")
    func revocationAndAllowedCodeRacedAcrossInstances() async throws {
        try await withTwoInstances { first, second, database in
            let now = Date()
            try await first.addConsumer(
                Consumer(id: "national-hub", name: "上级平台", appKey: "ck-national", requestsPerMinute: 100, createdAt: now, updatedAt: now), secret: "s", by: "ops"
            )
            for round in 0..<5 {
                let grant = try await Fixtures.grant("500", in: first)
                let revokes = await race(first, second) { store, index in _ = try await store.revokeGrant(grant.id, by: "ops-\(index)", reason: nil) }
                #expect(revokes == [.grantNotFound], "round \(round)")
                let revocations = try await database.cluster.psql(database.url, """
                    SELECT count(*) FROM audit_entry WHERE action = 'grant.revoke' AND detail::jsonb ->> 'grant' = '\(grant.id)'
                    """)
                #expect(revocations == "1", "round \(round)")

                let code = "1234567\(round)-9"
                let allows = await race(first, second) { store, index in _ = try await store.allowCode(code, kind: "organizationCode", reason: "r", by: "ops-\(index)") }
                #expect(allows == [.invalidChange], "round \(round)")
                let allowances = try await database.cluster.psql(database.url, "SELECT count(*) FROM audit_entry WHERE action = 'codes.allow' AND subject = '\(code)'")
                #expect(allowances == "1", "round \(round)")
            }
        }
    }
}
