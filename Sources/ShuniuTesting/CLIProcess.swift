import Foundation
import ShuniuApp

/// The real `shuniu` executable run once as an operator would, its output captured.
public enum CLI {
    public struct Outcome: Sendable {
        public var status: Int32
        /// Standard output and error together.
        public var output: String
    }

    /// What every `shuniu` a test starts finds in its environment, on top of `environment`: no
    /// configuration unless the test names one, so that a configuration installed on the machine
    /// (`/etc/shuniu/shuniu.yaml`) never reaches a test's hub.
    public static func environment(_ environment: [String: String] = [:]) -> [String: String] {
        [ConfigurationSource.environmentVariable: ""].merging(environment) { $1 }
    }

    /// Runs `shuniu ARGUMENTS…` from `directory` (default the repository's root) and waits for it (at most 60 s).
    public static func run(_ arguments: [String], directory: String = RepositoryPaths.root, environment: [String: String] = [:]) async throws -> Outcome {
        try await blocking {
            let (status, output) = try ChildProcess.run(
                RepositoryPaths.executable, arguments, directory: directory, environment: Self.environment(environment), timeout: 60
            )
            return Outcome(status: status, output: output)
        }
    }
}
