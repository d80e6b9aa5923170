import Synchronization

/// Tells long-polling readers that new versions were committed. A reader notes `generation`,
/// looks for versions, and if it found none waits for the generation to move on — so a commit
/// between its look and its wait is never missed. `close()` (at shutdown) releases every waiter
/// at once and makes later waits return immediately.
public final class CommitNotifier: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var closed = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Moves on with every commit.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Called after a commit that stored at least one version.
    public func notify() {
        let waiting = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Releases every waiter; from now on waits return at once.
    public func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Returns once the generation is past `seen`, after `timeout`, on `close()`, or when the
    /// task is cancelled (the reader went away).
    public func wait(after seen: UInt64, upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForCommit(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForCommit(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
