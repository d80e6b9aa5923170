import Foundation
import GRDB
import ShuniuCore
import Synchronization

/// Whether the store takes writes, as its last write found, and why not.
///
/// Every write that answers a request (a batch, a read's nonce and audit, an audit entry) is
/// tracked: a full disk (`SQLITE_FULL`, or the configured size limit reached) or a store that
/// cannot be written (read-only, I/O errors, locked away) turns it unwritable, and the next write
/// that succeeds — a request's, or the monitor's probe — turns it writable again. Each change of
/// state is told to `onChange` once, so the log says it once, not at every refused request.
public final class StoreHealth: Sendable {
    /// What the last write found.
    public typealias State = StoreWriteState

    private let state = Mutex<State>(.writable)
    private let lastProbe = Mutex<ContinuousClock.Instant?>(nil)
    private let onChange = Mutex<(@Sendable (State) -> Void)?>(nil)

    public init() {}

    public var current: State { state.withLock { $0 } }

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

    /// Tells `handler` of every change of state from now on (the daemon logs them).
    public func observe(_ handler: @escaping @Sendable (State) -> Void) {
        onChange.withLock { $0 = handler }
    }

    /// Runs a write, noting whether the store took it. A storage fault is rethrown as a
    /// ``StoreError`` with code ``StoreError/Code/full`` or ``StoreError/Code/unavailable``.
    /// Only a write that `provesRoom` (a batch, the probe) turns the store writable again: a
    /// small one (a read's audit row) may fit in a page already there while batches do not.
    func track<T>(provesRoom: Bool = false, _ write: () async throws -> T) async throws -> T {
        do {
            let value = try await write()
            if provesRoom { change(to: .writable) }
            return value
        } catch let error as DatabaseError {
            guard let fault = Self.fault(error) else { throw error }
            change(to: fault)
            switch fault {
            case .full(let reason): throw StoreError(.full, reason, cause: error)
            default: throw StoreError(.unavailable, "the store cannot be written: \(error.message ?? "\(error.resultCode)")", cause: error)
            }
        }
    }

    /// The storage fault behind a database error; nil for errors of the data (constraints…).
    static func fault(_ error: DatabaseError) -> State? {
        switch error.resultCode {
        case .SQLITE_FULL:
            return .full(reason: "the disk or the store's size limit (storage.maxSizeBytes) is full")
        case .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .unavailable(reason: error.message ?? "\(error.resultCode)")
        default:
            return nil
        }
    }

    private func change(to new: State) {
        let changed = state.withLock { current -> Bool in
            guard current != new else { return false }
            current = new
            return true
        }
        if changed { onChange.withLock { $0 }?(new) }
    }
}
