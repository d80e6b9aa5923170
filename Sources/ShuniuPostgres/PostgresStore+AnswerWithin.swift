import Foundation
import Synchronization

/// Calls that must answer in time whatever the database does (readiness, a job lock's check).
extension PostgresStore {
    /// `work`'s value, or nil when it fails or has not ended within `bound`. Returns at the bound
    /// whether or not `work` heeds its cancellation (a hung connection need not).
    static func answer<T: Sendable>(within bound: Duration, _ work: @escaping @Sendable () async throws -> T) async -> T? {
        let answer = AnswerOnce<T>()
        return await withCheckedContinuation { continuation in
            answer.arm(continuation)
            let running = Task {
                answer.give(try? await work())
            }
            Task {
                try? await Task.sleep(for: bound)
                running.cancel()
                answer.give(nil)
            }
        }
    }
}

/// A continuation resumed once, by the first of the parties that answer.
private final class AnswerOnce<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T?, Never>?, answered: Bool)>((nil, false))

    func arm(_ continuation: CheckedContinuation<T?, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func give(_ value: T?) {
        let continuation = state.withLock { state -> CheckedContinuation<T?, Never>? in
            guard !state.answered, let continuation = state.continuation else { return nil }
            state.answered = true
            return continuation
        }
        continuation?.resume(returning: value)
    }
}
