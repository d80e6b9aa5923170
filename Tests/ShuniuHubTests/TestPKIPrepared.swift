import ShuniuTesting
import Testing

/// Makes the shared test PKI before a suite's tests, on a thread of its own: generating it runs
/// `openssl` for seconds, and a first use from a test body would hold one of the process's two
/// cooperative threads (and every other first use waiting on it, the second) while every
/// in-process hub of the run waits for them.
struct TestPKIPrepared: SuiteTrait, TestTrait {
    func prepare(for test: Test) async throws {
        _ = try await blocking { TestPKI.shared }
    }
}

extension Trait where Self == TestPKIPrepared {
    /// The shared test PKI is made before the tests, off the cooperative threads.
    static var testPKIPrepared: Self { TestPKIPrepared() }
}
