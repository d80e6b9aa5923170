import Foundation
import ShuniuTesting
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Children the tests start can always be stopped: they do not inherit a blocked or ignored
/// signal from the test process, a stubborn one is killed after a grace period, and a test that
/// throws still stops them.
@Suite("Child processes stop when told")
struct ChildProcessTests {
    /// Waits (on this thread) up to `seconds` for the child to end; its status, or nil if it still runs.
    static func ended(_ child: ChildProcess, within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while child.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return child.isRunning ? nil : child.waitUntilExit()
    }

    /// Whether any process, reaped or not, still has `pid`.
    static func exists(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0
    }

    @Test("A child spawned from a thread that blocks SIGTERM is still stopped by SIGTERM")
    func blockedSignalNotInherited() async throws {
        let status = try await blocking { () -> Int32? in
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGTERM)
            var previous = sigset_t()
            pthread_sigmask(SIG_BLOCK, &blocked, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            let child = try ChildProcess("/bin/sleep", ["300"], outputFile: "/dev/null")
            child.signal(SIGTERM)
            let status = Self.ended(child, within: 5)
            child.signal(SIGKILL)
            return status
        }
        #expect(status == 128 + SIGTERM)
    }

    @Test("A signal the test process ignores is at its default action in the child")
    func ignoredSignalNotInherited() async throws {
        // SIGUSR2 ends a process by default; nothing in the test process uses it.
        let previous = Glibc.signal(SIGUSR2, SIG_IGN)
        defer { Glibc.signal(SIGUSR2, previous) }
        let child = try ChildProcess("/bin/sleep", ["300"], outputFile: "/dev/null")
        let status = try await blocking { () -> Int32? in
            child.signal(SIGUSR2)
            return Self.ended(child, within: 5)
        }
        child.signal(SIGKILL)
        #expect(status == 128 + SIGUSR2)
    }

    @Test("stop escalates to SIGKILL when the child ignores SIGTERM, and reaps it")
    func stopEscalates() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; echo ready; exec sleep 300"], outputFile: NSTemporaryDirectory() + "shuniu-stubborn-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(atPath: child.outputFile) }
        #expect(await eventually { child.output.contains("ready") })
        let status = try await child.stopped(grace: .milliseconds(300))
        #expect(status == 128 + SIGKILL)
        #expect(!Self.exists(child.pid))
    }

    @Test("withRunning stops its child when the body throws")
    func scopeStopsOnThrow() async throws {
        struct Planned: Error {}
        let started = Mutex<pid_t>(0)
        await #expect(throws: Planned.self) {
            try await ChildProcess.withRunning("/bin/sleep", ["300"], outputFile: "/dev/null") { child in
                started.withLock { $0 = child.pid }
                throw Planned()
            }
        }
        let pid = started.withLock { $0 }
        #expect(pid > 0 && !Self.exists(pid))
    }
}
