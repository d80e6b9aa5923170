import ArgumentParser
import Foundation
import ShuniuCLI

/// Parses `shuniu` arguments inside the test process, as the executable's main thread would.
///
/// ArgumentParser's parser takes deep, large stack frames in debug builds: on a small
/// cooperative-pool thread, under a loaded parallel test run, it overran the stack. So parsing
/// runs on a thread of its own with a main thread's stack, one parse at a time.
enum InProcessCommand {
    private static let oneAtATime = NSLock()

    /// Commands parsed here read only the configuration a test names, never one installed on
    /// the machine (as `CLI.environment()` does for child processes).
    private static let withoutInstalledConfiguration: Void = {
        setenv("SHUNIU_CONFIG", "", 1)
    }()

    static func parse(_ arguments: [String]) async throws -> any ParsableCommand {
        _ = withoutInstalledConfiguration
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ParsedCommand, any Error>) in
            let thread = Thread {
                oneAtATime.lock()
                defer { oneAtATime.unlock() }
                continuation.resume(with: Result { ParsedCommand(command: try ShuniuCommand.parseAsRoot(arguments)) })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }.command
    }

    /// Runs a parsed command as `shuniu` would.
    static func run(_ arguments: [String]) async throws {
        var command = try await parse(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    /// A parsed command handed from the parsing thread to the test's task, which alone uses it
    /// afterwards: safe to send.
    private struct ParsedCommand: @unchecked Sendable {
        var command: any ParsableCommand
    }
}
