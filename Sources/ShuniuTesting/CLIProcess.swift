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
            let process = Process()
            process.executableURL = URL(fileURLWithPath: RepositoryPaths.executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let timer = DispatchWorkItem { process.terminate() }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: timer)
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            timer.cancel()
            return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
        }
    }
}
