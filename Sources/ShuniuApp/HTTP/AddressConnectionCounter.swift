import Synchronization

/// Open connections by client address, shared by every event loop: admits a connection while its
/// address holds fewer than the cap, and publishes the total.
final class AddressConnectionCounter: Sendable {
    private struct Counts {
        var byAddress: [String: Int] = [:]
        var total = 0
    }

    private let cap: Int
    private let metrics: ConnectionMetrics
    private let counts = Mutex(Counts())

    init(maxPerAddress: Int, metrics: ConnectionMetrics) {
        self.cap = maxPerAddress
        self.metrics = metrics
    }

    /// Counts a new connection from `address` and returns true, or returns false (counting
    /// nothing) when that address already holds the cap.
    func admit(_ address: String) -> Bool {
        counts.withLock { counts in
            let held = counts.byAddress[address, default: 0]
            guard held < cap else { return false }
            counts.byAddress[address] = held + 1
            counts.total += 1
            metrics.openConnections(counts.total)
            return true
        }
    }

    /// Forgets a connection ``admit(_:)`` counted, once it has closed.
    func release(_ address: String) {
        counts.withLock { counts in
            let held = counts.byAddress[address, default: 0]
            if held <= 1 { counts.byAddress[address] = nil } else { counts.byAddress[address] = held - 1 }
            counts.total -= 1
            metrics.openConnections(counts.total)
        }
    }
}
