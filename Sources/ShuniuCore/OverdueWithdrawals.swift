import Foundation

/// Deliveries of withdrawals still waiting after their deadline, for one destination.
public struct OverdueWithdrawals: Codable, Sendable, Hashable {
    public var destination: String
    public var count: Int
    public var oldestEnqueuedAt: Date

    public init(destination: String, count: Int, oldestEnqueuedAt: Date) {
        self.destination = destination
        self.count = count
        self.oldestEnqueuedAt = oldestEnqueuedAt
    }
}
