import Foundation

/// What a read leaves behind: its nonce and audit entry, and the disputes readers raise.
public protocol ReadLedger: Sendable {
    /// Records a read's nonce and its audit entry in one transaction; throws
    /// ``StoreError/Code/nonceReused`` when the nonce was used, even by a racing read.
    func commitRead(by consumer: Consumer, nonce: String, audit event: AuditEvent, at instant: Date) async throws

    /// Raises a dispute on the latest version of a record, audited as `dispute.open` (actor: the
    /// consumer). Throws ``StoreError/Code/recordNotFound`` when the hub has no such record.
    func openDispute(
        dataset: DatasetID, key: String, field: String, fieldLabel: String?, reason: String,
        consumer: String, address: String?, at instant: Date
    ) async throws -> Dispute
}
