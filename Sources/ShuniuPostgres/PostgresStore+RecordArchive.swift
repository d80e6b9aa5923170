import Foundation
import ShuniuCore

// SCAFFOLD: every method below is to be built.
extension PostgresStore: RecordArchive {
    public func versionCount() async throws -> Int { throw Self.notYet("versionCount") }
    public func rawPayload(id: Int64) async throws -> RawPayload? { throw Self.notYet("rawPayload") }
    public func deliveries(ofRecord recordID: Int64) async throws -> [RecordDelivery] { throw Self.notYet("deliveries") }
    public func overdueWithdrawals(dataset: DatasetID, enqueuedBefore cutoff: Date) async throws -> [OverdueWithdrawals] { throw Self.notYet("overdueWithdrawals") }
    public func disputes(platform: String?, status: DisputeStatus?, limit: Int) async throws -> [Dispute] { throw Self.notYet("disputes") }
    public func dispute(_ id: Int64) async throws -> Dispute? { throw Self.notYet("dispute") }
    public func rejectDispute(_ id: Int64, by operatorName: String, reason: String) async throws -> Dispute { throw Self.notYet("rejectDispute") }
}
