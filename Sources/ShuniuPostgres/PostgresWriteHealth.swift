import Foundation
import PostgresNIO
import ShuniuCore
import Synchronization

/// Whether the database takes writes, as this instance's last write found.
///
/// Every write a port makes goes through ``PostgresStore/write(_:_:)``: a fault of the server or
/// of the connection (out of space, unreachable, shutting down, read-only) turns the state
/// `full` or `unavailable`, and the next write that commits turns it writable again. A refusal
/// of the data (a nonce used, a record not found) says nothing of the database and changes nothing.
final class PostgresWriteHealth: Sendable {
    private let state = Mutex<StoreWriteState>(.writable)
    private let lastProbe = Mutex<ContinuousClock.Instant?>(nil)
    private let onChange = Mutex<(@Sendable (StoreWriteState) -> Void)?>(nil)

    var current: StoreWriteState { state.withLock { $0 } }

    /// Tells `handler` of every change of state from now on (the daemon logs them).
    func observe(_ handler: @escaping @Sendable (StoreWriteState) -> Void) {
        onChange.withLock { $0 = handler }
    }

    /// Notes a write that committed.
    func succeeded() {
        change(to: .writable)
    }

    /// Notes a write that failed with `error`, given as `fault` (``PostgresStore/storeError(_:doing:)``).
    func failed(_ error: any Error, as fault: StoreError) {
        guard Self.isDatabaseFault(error) else { return }
        change(to: fault.code == .full ? .full(reason: fault.message) : .unavailable(reason: fault.message))
    }

    /// Sets the state, telling the observer when it changed.
    private func change(to next: StoreWriteState) {
        let changed = state.withLock { current in
            defer { current = next }
            return current != next
        }
        if changed, let handler = onChange.withLock({ $0 }) { handler(next) }
    }

    /// Whether a probe write may run now: at most one a second, so that unauthenticated
    /// `/readyz` calls cannot turn into a stream of writes.
    func mayProbe() -> Bool {
        let now = ContinuousClock.now
        return lastProbe.withLock { last in
            if let last, now - last < .seconds(1) { return false }
            last = now
            return true
        }
    }

    /// True for a fault of the database or the connection to it, false for a refusal of the
    /// data (the ports' own ``StoreError``s, constraint and data errors) or a cancelled call.
    static func isDatabaseFault(_ error: any Error) -> Bool {
        if let failed = error as? PostgresTransactionError, let cause = failed.closureError ?? failed.beginError ?? failed.commitError {
            return isDatabaseFault(cause)
        }
        if error is StoreError || error is CancellationError { return false }
        guard let psql = error as? PSQLError else { return true }
        guard let state = psql.serverInfo?[.sqlState] else { return true }
        // 08 connection, 53 insufficient resources, 57 operator intervention (shutdown…),
        // 58 system (I/O) errors, 28 and 3D the connection refused (credentials, database gone);
        // 25006 a read-only transaction (a standby, or read-only by default).
        return ["08", "28", "3D", "53", "57", "58"].contains(String(state.prefix(2))) || state == "25006"
    }
}
