import Foundation

/// One daemon per data folder: `serve` holds an exclusive `flock` on `<data>/shuniu.lock` for
/// its whole life, and writes its pid, start time and version into it (and the pid into
/// `shuniu.pid`) while it holds it. The kernel drops the lock when the process ends however it
/// ends, so a stale file never blocks a new daemon, and a lock that is held always names a live one.
///
/// Other commands ask ``holder(dataDir:)``: a held lock means a daemon runs, and its file says
/// which. `restore` takes the lock itself for its duration, so no daemon starts under it.
public final class DaemonLock: @unchecked Sendable {
    /// What the lock file says about the daemon holding it.
    public struct Holder: Sendable, Equatable, Codable {
        public var pid: Int32
        public var startedAt: Date
        public var version: String
    }

    /// Another process holds the lock.
    public struct Busy: Error, CustomStringConvertible {
        public var dataDir: String
        /// Nil when the holder has not written its file yet (it is starting) or is not a daemon.
        public var holder: Holder?
        public var description: String {
            guard let holder else { return "another shuniu process holds the store in \(dataDir) (shuniu.lock)" }
            return "a hub already runs on \(dataDir): pid \(holder.pid), started \(BeijingTime.rfc3339(holder.startedAt))"
        }
    }

    public static func lockFile(dataDir: String) -> String { (dataDir as NSString).appendingPathComponent("shuniu.lock") }
    public static func pidFile(dataDir: String) -> String { (dataDir as NSString).appendingPathComponent("shuniu.pid") }

    private let descriptor: Int32
    private let dataDir: String
    private let wrotePidFile: Bool

    /// Takes the lock, or throws ``Busy``. A daemon (`asDaemon`) then writes its holder line and
    /// the pid file; another command (restore) only holds the lock.
    public init(dataDir: String, asDaemon: Bool, version: String = "") throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let path = Self.lockFile(dataDir: dataDir)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Busy(dataDir: dataDir, holder: Self.readHolder(path))
        }
        self.descriptor = descriptor
        self.dataDir = dataDir
        self.wrotePidFile = asDaemon
        guard asDaemon else { return }
        let holder = Holder(pid: getpid(), startedAt: Date(), version: version)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let line = (try encoder.encode(holder)) + Data("\n".utf8)
        ftruncate(descriptor, 0)
        _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        try "\(holder.pid)\n".write(toFile: Self.pidFile(dataDir: dataDir), atomically: true, encoding: .utf8)
    }

    /// Removes the pid file and empties the lock file, then lets go (also done by the kernel at exit).
    public func release() {
        if wrotePidFile {
            try? FileManager.default.removeItem(atPath: Self.pidFile(dataDir: dataDir))
            ftruncate(descriptor, 0)
        }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The daemon serving `dataDir`, when one runs: the lock is held and its file names a pid.
    public static func holder(dataDir: String) -> Holder? {
        let path = lockFile(dataDir: dataDir)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // A shared lock is granted only when no daemon holds the exclusive one.
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        return readHolder(path)
    }

    private static func readHolder(_ path: String) -> Holder? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Holder.self, from: data.prefix { $0 != UInt8(ascii: "\n") })
    }
}
