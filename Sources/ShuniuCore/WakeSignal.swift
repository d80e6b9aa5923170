import Synchronization

/// Wakes waiting workers when there is new work (ingest committed new deliveries), so that a
/// worker need not poll often to deliver within milliseconds. A signal sent while a worker is
/// busy is kept (one, not counted) and ends its next wait at once.
public final class WakeSignal: Sendable {
    private let subscribers = Mutex<[Subscription]>([])

    public init() {}

    /// A waiter for one worker.
    public func subscribe() -> Subscription {
        let subscription = Subscription()
        subscribers.withLock { $0.append(subscription) }
        return subscription
    }

    public func signal() {
        for subscriber in subscribers.withLock({ $0 }) { subscriber.wake() }
    }

    /// One worker's side: `wait(upTo:)` returns on a signal or when the time is up.
    public final class Subscription: Sendable {
        private let state = Mutex<(pending: Bool, waiting: CheckedContinuation<Void, Never>?, generation: Int)>((false, nil, 0))

        func wake() {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiting = state.waiting else {
                    state.pending = true
                    return nil
                }
                state.waiting = nil
                return waiting
            }
            waiting?.resume()
        }

        /// Returns after a signal (or one that came while not waiting) or after `timeout`.
        public func wait(upTo timeout: Duration) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let generation = state.withLock { state -> Int? in
                    if state.pending {
                        state.pending = false
                        return nil
                    }
                    state.waiting = continuation
                    state.generation += 1
                    return state.generation
                }
                guard let generation else { return continuation.resume() }
                Task {
                    try? await Task.sleep(for: timeout)
                    let expired = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                        guard state.generation == generation, let waiting = state.waiting else { return nil }
                        state.waiting = nil
                        return waiting
                    }
                    expired?.resume()
                }
            }
        }
    }
}
