import Foundation

/// The real `shuniu serve` executable in a child process, for kill and signal tests.
/// Start one with ``withRunning(dataDir:logFile:config:_:)``, which stops it on every path.
public final class HubProcess: Sendable {
    public let process: ChildProcess
    public let port: Int
    private let logFile: String

    /// Starts `shuniu serve` on a free loopback port over `dataDir`, waits until it listens, runs
    /// `body` with it and stops it (SIGTERM, then SIGKILL) however `body` ends, unless it already has.
    public static func withRunning<T: Sendable>(
        dataDir: String, logFile: String, config: String? = nil, _ body: (HubProcess) async throws -> T
    ) async throws -> T {
        let daemon = try await blocking { try HubProcess(dataDir: dataDir, logFile: logFile, config: config) }
        let result: T
        do {
            result = try await body(daemon)
        } catch {
            try await daemon.process.stopped()
            throw error
        }
        try await daemon.process.stopped()
        return result
    }

    private init(dataDir: String, logFile: String, config: String?) throws {
        let process = try ChildProcess(
            RepositoryPaths.executable, ["serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0"] + (config.map { ["--config", $0] } ?? []),
            directory: RepositoryPaths.root, environment: CLI.environment(), outputFile: logFile
        )
        self.process = process
        self.logFile = logFile
        var found: Int?
        let deadline = Date().addingTimeInterval(30)
        while found == nil && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            found = HubProcess.listeningPort(in: (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")
        }
        guard let found else {
            process.stop()
            throw TestHubError(message: "shuniu serve did not start: \((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    public func stop(signal: Int32) async throws -> Int32 {
        process.signal(signal)
        return try await waitForExit()
    }

    /// Waits for the process to end; returns its exit status (128 + the signal when one ended it).
    public func waitForExit() async throws -> Int32 {
        try await blocking { [process] in process.waitUntilExit() }
    }

    /// The port in the "shuniu listening address=127.0.0.1:PORT" log line, once it is there.
    public static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("shuniu listening") {
            if let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                return Int(line[range].split(separator: ":").last!)
            }
        }
        return nil
    }
}
