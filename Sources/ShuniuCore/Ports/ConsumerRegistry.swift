import Foundation

/// The consumers (superior hubs, supervisors) and their data grants as operators keep them.
///
/// Every engine must keep these guarantees:
/// - **Every change is audited in its own transaction**, with the operator as actor.
/// - **Ids and app keys are unique** (``StoreError/Code/consumerExists``,
///   ``StoreError/Code/appKeyExists``); a change to an unknown consumer throws
///   ``StoreError/Code/consumerNotFound``, to an unknown grant ``StoreError/Code/grantNotFound``.
/// - **A grant is revoked, never deleted**: it stays listed, with when and why, and stops being
///   in force (``ConsumerDirectory/grantsInForce(consumer:at:)``) at once, on every instance.
public protocol ConsumerRegistry: ConsumerDirectory {
    /// Registers a consumer with its HMAC secret.
    func addConsumer(_ consumer: Consumer, secret: String, by operatorName: String) async throws

    /// Every consumer, by id.
    func consumers() async throws -> [Consumer]

    /// The consumer with this id.
    func consumer(_ id: String) async throws -> Consumer?

    /// Suspends or resumes a consumer (`consumer.suspend`, `consumer.resume`): a suspended one's reads are refused.
    func setConsumerStatus(_ id: String, to status: ConsumerStatus, by operatorName: String, reason: String?) async throws -> Consumer

    /// Sets the reads a minute the consumer may make.
    func setConsumerRateLimit(_ id: String, to perMinute: Int, by operatorName: String) async throws -> Consumer

    /// Registers the consumer's certificate (replacing the previous one).
    func setConsumerCertificate(_ id: String, to certificate: ConsumerCertificate, by operatorName: String) async throws -> Consumer

    /// Stores a grant (audited with its `grantedBy`); returns it with its id.
    func addGrant(_ grant: DataGrant) async throws -> DataGrant

    /// Revokes a grant from now on, with the operator's reason.
    func revokeGrant(_ id: Int64, by operatorName: String, reason: String?) async throws -> DataGrant

    /// Every grant (or only `consumer`'s), revoked ones included, newest first.
    func grants(consumer: String?) async throws -> [DataGrant]
}

extension ConsumerRegistry {
    /// Every grant of every consumer.
    public func grants() async throws -> [DataGrant] {
        try await grants(consumer: nil)
    }
}
