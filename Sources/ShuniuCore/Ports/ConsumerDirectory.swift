import Foundation

/// The registered consumers (superior hubs, supervisors) and their grants, as a read's
/// authentication and access rules need them: read at every request.
public protocol ConsumerDirectory: Sendable {
    /// The consumer with this app key and its secret, for HMAC-signed reads.
    func consumerCredential(appKey: String) async throws -> (Consumer, secret: String)?

    /// The consumer whose registered certificate has this fingerprint.
    func consumer(certificateFingerprint fingerprint: String) async throws -> Consumer?

    /// The consumer's grants in force at `instant`.
    func grantsInForce(consumer: String, at instant: Date) async throws -> [DataGrant]
}
