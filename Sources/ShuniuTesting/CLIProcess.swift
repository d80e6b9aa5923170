import Foundation

/// The real `shuniu` executable run once as an operator would, its output captured.
public enum CLI {
    public struct Outcome: Sendable {
        public var status: Int32
        /// Standard output and error together.
        public var output: String
    }

    /// Runs `shuniu ARGUMENTS…` from the repository's root and waits for it (at most 60 s).
    public static func run(_ arguments: [String]) async throws -> Outcome {
        try await blocking {
            let (status, output) = try ChildProcess.run(RepositoryPaths.executable, arguments, directory: RepositoryPaths.root, timeout: 60)
            return Outcome(status: status, output: output)
        }
    }
}
