import ShuniuTesting
import Testing

/// One throwaway PostgreSQL cluster for a whole suite (`@Suite(.postgresCluster)`), started before
/// its first test and removed after its last; each test takes a fresh database from it.
struct PostgresClusterTrait: SuiteTrait, TestScoping {
    @TaskLocal static var current: PostgresCluster?

    /// The suite's cluster; an error outside a suite that has the trait.
    static func cluster() throws -> PostgresCluster {
        guard let current else { throw TestHubError(message: "no PostgreSQL cluster: give the suite the .postgresCluster trait") }
        return current
    }

    // Once around the whole suite, not around each of its tests.
    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await PostgresCluster.withRunning { cluster in
            try await PostgresClusterTrait.$current.withValue(cluster) { try await function() }
        }
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A throwaway PostgreSQL cluster shared by the suite's tests.
    static var postgresCluster: Self { Self() }
}
