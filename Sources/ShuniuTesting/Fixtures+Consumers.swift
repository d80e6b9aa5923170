import Foundation
import ShuniuClient
import ShuniuCore

extension Fixtures {
    /// Registers a consumer straight in the store; returns a client signing as it.
    public static func registerConsumer(
        _ id: String = "national-hub", on hub: RunningHub, requestsPerMinute: Int = 100_000
    ) async throws -> ConsumerClient {
        let secret = "consumer-secret-\(id)-\(UUID().uuidString)"
        let now = Date()
        try await hub.store.addConsumer(
            Consumer(id: id, name: "上级平台 \(id)", appKey: "ck-\(id)", requestsPerMinute: requestsPerMinute, createdAt: now, updatedAt: now),
            secret: secret, by: "test"
        )
        return ConsumerClient(baseURL: hub.baseURL, appKey: "ck-\(id)", secret: secret)
    }

    /// A grant approved by `test`, in force from an hour ago for `hours`.
    @discardableResult
    public static func grant(
        _ dataset: DatasetID, to consumer: String = "national-hub", personalData: Bool = false, hours: Double = 24,
        purpose: String = "招标投标活动监督", in store: any ConsumerRegistry
    ) async throws -> DataGrant {
        let start = Date().addingTimeInterval(-3600)
        return try await store.addGrant(DataGrant(
            consumer: consumer, dataset: dataset, purpose: purpose, personalData: personalData, approvedBy: "test",
            grantedAt: start, expiresAt: start.addingTimeInterval(3600 + hours * 3600)
        ))
    }
}
