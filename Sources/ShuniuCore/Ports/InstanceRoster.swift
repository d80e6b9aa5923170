import Foundation

/// The hub instances serving from the store, each reporting itself while it runs, so that an
/// operator sees which are alive (`shuniu status`).
///
/// Every engine must keep these guarantees:
/// - A report replaces the instance's earlier one (its `startedAt` as first reported stays).
/// - Reports from every instance sharing the store are seen by every reader.
public protocol InstanceRoster: Sendable {
    /// Records that `instance` is alive as of its `seenAt`.
    func reportAlive(_ instance: HubInstance) async throws

    /// The instances whose latest report is at or after `since`, the most recently seen first.
    func instances(seenSince since: Date) async throws -> [HubInstance]
}
