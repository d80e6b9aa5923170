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
/// the Swift 6.3 release). Only the tests and the benchmark start children, all through here.
///
/// Children start with an empty signal mask and every signal at its default action: the test
/// process blocks or ignores the signals that NIO and service-lifecycle watch (SIGTERM, SIGINT,
/// SIGHUP), and `posix_spawn` would otherwise hand both on, leaving a child that SIGTERM cannot
/// stop. A child still running when its object goes away is killed, so a test that throws
/// leaks nothing; `withRunning` and `stop(grace:)` stop one deliberately.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Holds what the child wrote to its standard output and error.
    public let outputFile: String
    /// The exit status and peak resident memory once the child has been reaped.
    private let ended = Mutex<Ending?>(nil)

    /// How a reaped child ended.
    struct Ending {
        /// Its exit code, or 128 + the signal that ended it.
        var status: Int32
        /// Its peak resident set size in KiB, from `wait4`.
        var peakKiB: Int
    }

    /// Starts `executable arguments…` in `directory` (default: this process's), with `environment`
    /// added to this process's, writing its output to `outputFile` (created or emptied; `/dev/null` discards it).
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
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        // Their actions cannot be changed, so they are left out of the set to reset.
        sigdelset(&everySignal, SIGKILL)
        sigdelset(&everySignal, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // The C strings live until posix_spawn returns: strdup'd here, freed below.
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environ.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else {
            throw TestHubError(message: "cannot start \(argv.joined(separator: " ")): \(String(cString: strerror(result)))")
        }
        pid = child
        self.outputFile = outputFile
    }

    deinit {
        // The backstop for a test that threw before stopping its child.
        if isRunning {
            kill(pid, SIGKILL)
            waitUntilExit()
        }
    }

    /// What the child has written so far.
    public var output: String {
        (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
    }

    /// True until the child has ended (it is reaped when it has).
    public var isRunning: Bool {
        reap(blocking: false) == nil
    }

    /// Peak resident memory of the ended child, in KiB; nil while it runs.
    public var peakResidentKiB: Int? {
        reap(blocking: false)?.peakKiB
    }

    /// Sends a signal (SIGTERM, SIGKILL…).
    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Blocks until the child ends; its exit code, or 128 + the signal that ended it.
    @available(*, noasync, message: "blocks: wait with stopped(grace:) or from a thread of its own (blocking { })")
    @discardableResult
    public func waitUntilExit() -> Int32 {
        while true {
            if let ending = reap(blocking: true) { return ending.status }
        }
    }

    /// Stops the child: SIGTERM, then SIGKILL if it has not ended within `grace`. Blocks until it
    /// has been reaped; its exit status (128 + 15 when SIGTERM ended it, 128 + 9 for SIGKILL).
    @available(*, noasync, message: "blocks: use stopped(grace:)")
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) -> Int32 {
        signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        signal(SIGKILL)
        return waitUntilExit()
    }

    /// ``stop(grace:)`` on a thread of its own, holding no cooperative thread while it waits.
    @discardableResult
    public func stopped(grace: Duration = .seconds(5)) async throws -> Int32 {
        try await blocking { [self] in stop(grace: grace) }
    }

    private func reap(blocking: Bool) -> Ending? {
        if let known = ended.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        var usage = rusage()
        let reaped = wait4(pid, &raw, blocking ? 0 : WNOHANG, &usage)
        guard reaped == pid else {
            // Interrupted, or still running; -1 without EINTR means another waiter reaped it.
            if reaped == -1 && errno != EINTR { return ended.withLock { $0 } ?? Ending(status: -1, peakKiB: 0) }
            return nil
        }
        // The <sys/wait.h> macros, spelled out: low 7 bits the signal, the next byte the exit code.
        let signal = raw & 0x7F
        let ending = Ending(status: signal == 0 ? (raw >> 8) & 0xFF : 128 + signal, peakKiB: usage.ru_maxrss)
        ended.withLock { $0 = ending }
        return ending
    }

    /// Starts a child, runs `body` with it, and stops it on every path out of `body`, thrown or returned.
    public static func withRunning<T: Sendable>(
        _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], outputFile: String,
        _ body: (ChildProcess) async throws -> T
    ) async throws -> T {
        let child = try ChildProcess(executable, arguments, directory: directory, environment: environment, outputFile: outputFile)
        let result: T
        do {
            result = try await body(child)
        } catch {
            try await child.stopped()
            throw error
        }
        try await child.stopped()
        return result
    }

    /// Runs a command to its end on a thread of its own, stopped after `timeout` seconds; its
    /// exit status and output. Test processes have two cooperative threads: a child waited on
    /// from one of them holds up every in-process hub and upstream of the run.
    public static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
    ) async throws -> (status: Int32, output: String) {
        try await blocking { try runBlocking(executable, arguments, directory: directory, environment: environment, timeout: timeout) }
    }

    /// Runs a command to its end (blocking), stopped after `timeout` seconds; its exit status and output.
    @available(*, noasync, message: "blocks: use the async run")
    public static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
    ) throws -> (status: Int32, output: String) {
        try runBlocking(executable, arguments, directory: directory, environment: environment, timeout: timeout)
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
    ) throws -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "shuniu-child-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let child = try ChildProcess(executable, arguments, directory: directory, environment: environment, outputFile: file)
        let deadline = Date().addingTimeInterval(timeout)
        while child.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        return (child.stop(), child.output)
    }
}
