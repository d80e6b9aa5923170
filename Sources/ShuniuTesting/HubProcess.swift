import Foundation

/// The real `shuniu serve` executable in a child process, for kill and signal tests.
public final class HubProcess: @unchecked Sendable {
    // @unchecked: `process` and `log` are set in init and only read afterwards; Foundation's
    // Process is thread-safe for terminate/interrupt/wait from any thread.
    public let process: Process
    public let port: Int
    private let logFile: String

    /// Starts `shuniu serve` on a free loopback port over `dataDir` and waits until it listens.
    public static func start(dataDir: String, logFile: String, config: String? = nil) async throws -> HubProcess {
        try await blocking { try HubProcess(dataDir: dataDir, logFile: logFile, config: config) }
    }

    private init(dataDir: String, logFile: String, config: String?) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.executable)
        process.arguments = ["serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0"] + (config.map { ["--config", $0] } ?? [])
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        self.process = process
        self.logFile = logFile
        var found: Int?
        let deadline = Date().addingTimeInterval(30)
        while found == nil && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            found = HubProcess.listeningPort(in: (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")
        }
        guard let found else {
            process.terminate()
            throw TestHubError(message: "shuniu serve did not start: \((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    public func stop(signal: Int32) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        return try await waitForExit()
    }

    /// Waits for the process to end; returns its exit status.
    public func waitForExit() async throws -> Int32 {
        try await blocking { [process] in
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// The port in the "shuniu listening address=127.0.0.1:PORT" log line.
    static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("shuniu listening") {
            if let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                return Int(line[range].split(separator: ":").last!)
            }
        }
        return nil
    }
}
