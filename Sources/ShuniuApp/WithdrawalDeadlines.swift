import Foundation
import ShuniuCore
import ShuniuSpec

/// Withdrawals that have not reached a destination within their dataset's working days
/// (`withdraws.withinWorkingDays`: 303 within 3, DATA-SPEC §6 D18), counted with the holiday
/// calendar; for `shuniu status` and the `shuniu_withdrawals_overdue` gauge.
public struct WithdrawalDeadlines: Sendable {
    let spec: DataSpec
    let store: any RecordArchive

    public init(spec: DataSpec, store: any RecordArchive) {
        self.spec = spec
        self.store = store
    }

    /// Per destination, summed over the datasets that withdraw with a deadline.
    public func overdue(at now: Date = Date()) async throws -> [OverdueWithdrawals] {
        var byDestination: [String: OverdueWithdrawals] = [:]
        for dataset in spec.datasets.values {
            guard let days = dataset.withdraws?.withinWorkingDays else { continue }
            let cutoff = spec.calendar.cutoff(moreThan: days, workingDaysBefore: now)
            for found in try await store.overdueWithdrawals(dataset: dataset.dataset, enqueuedBefore: cutoff) {
                var total = byDestination[found.destination] ?? OverdueWithdrawals(destination: found.destination, count: 0, oldestEnqueuedAt: found.oldestEnqueuedAt)
                total.count += found.count
                total.oldestEnqueuedAt = min(total.oldestEnqueuedAt, found.oldestEnqueuedAt)
                byDestination[found.destination] = total
            }
        }
        return byDestination.values.sorted { $0.destination < $1.destination }
    }
}
