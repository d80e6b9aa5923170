import Foundation

/// Runs blocking work (opening a file store, parsing a large CRL, waiting on a child process)
/// on a thread of its own, so that it holds neither one of the few cooperative threads every
/// task of the process shares nor a Dispatch worker that the store needs.
public func onOwnThread<T: Sendable>(named name: String = "shuniu-blocking", _ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.name = name
        thread.start()
    }
}
