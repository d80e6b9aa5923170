import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, its standard output and error going to a file.
///
/// Why not Foundation's `Process`: on Linux its `run()` reads past a buffer while it lists
/// `/proc/self/fd`, and now and then crashes the whole test run when many descriptors are open,
/// as they are in a parallel suite (swift-corelibs-foundation pull request 5472, merged after
/// the Swift 6.3 release). Only the tests and the benchmark start children.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Holds what the child wrote to its standard output and error.
    public let outputFile: String
    /// The exit status once the child has been reaped: its exit code, or 128 + the signal that ended it.
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable arguments…` in `directory` (default: this process's), with `environment`
    /// added to this process's, writing its output to `outputFile` (created or emptied).
    public init(_ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], outputFile: String) throws {
        // `env -C` changes the directory in the child: glibc's addchdir is not visible from Swift.
        let argv = directory.map { ["/usr/bin/env", "-C", $0, executable] + arguments } ?? [executable] + arguments
        let environ = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The C strings live until posix_spawn returns: strdup'd here, freed below.
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environ.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, argv[0], &actions, nil, cArguments, cEnvironment)
        guard result == 0 else {
            throw TestHubError(message: "cannot start \(argv.joined(separator: " ")): \(String(cString: strerror(result)))")
        }
        pid = child
        self.outputFile = outputFile
    }

    /// What the child has written so far.
    public var output: String {
        (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
    }

    /// True until the child has ended (it is reaped when it has).
    public var isRunning: Bool {
        reap(blocking: false) == nil
    }

    /// Sends a signal (SIGTERM, SIGKILL…).
    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Blocks until the child ends; its exit code, or 128 + the signal that ended it.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        while true {
            if let status = reap(blocking: true) { return status }
        }
    }

    private func reap(blocking: Bool) -> Int32? {
        if let known = status.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
        guard reaped == pid else {
            // Interrupted, or still running; -1 without EINTR means another waiter reaped it.
            if reaped == -1 && errno != EINTR { return status.withLock { $0 } ?? -1 }
            return nil
        }
        // The <sys/wait.h> macros, spelled out: low 7 bits the signal, the next byte the exit code.
        let signal = raw & 0x7F
        let decoded = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
        status.withLock { $0 = decoded }
        return decoded
    }

    /// Runs a command to its end (blocking), killed after `timeout` seconds; its exit status and output.
    public static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
    ) throws -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "shuniu-child-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let child = try ChildProcess(executable, arguments, directory: directory, environment: environment, outputFile: file)
        let deadline = Date().addingTimeInterval(timeout)
        while child.isRunning {
            if Date() > deadline { child.signal(SIGKILL) }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return (child.waitUntilExit(), child.output)
    }
}
