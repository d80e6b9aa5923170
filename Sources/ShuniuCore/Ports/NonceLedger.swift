import Foundation

/// The nonces of signed requests, kept for the replay window: a request whose nonce was seen is
/// a replay. Recording a nonce is part of the commit it protects (``IngestLedger/commitIngest(_:receivedAt:)``,
/// ``ReadLedger/commitRead(by:nonce:audit:at:)``); this port asks and forgets.
public protocol NonceLedger: Sendable {
    /// True when `appKey` (a platform's, or a consumer's nonce namespace) used `nonce`.
    func isNonceUsed(appKey: String, nonce: String) async throws -> Bool

    /// Forgets nonces seen before `cutoff`: outside the replay window they are refused by time anyway.
    @discardableResult
    func pruneNonces(before cutoff: Date) async throws -> Int
}
