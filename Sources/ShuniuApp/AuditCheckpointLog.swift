import Foundation
import ShuniuCore
#if canImport(Glibc)
import Glibc
#endif

/// The append-only file of audit checkpoints, one JSON line each, flushed to disk per line.
///
/// Keep it outside the data folder (another disk, a folder shipped off the host): a file beside
/// the store is lost with it.
public struct AuditCheckpointLog: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// One line of the file: a checkpoint, or the line number of one that does not parse.
    public typealias Line = AuditCheckpoints.Line

    /// Appends one checkpoint and waits until it is on disk. The file is made (mode 0600) when missing.
    public func append(_ checkpoint: AuditCheckpoint) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.cannotOpen, "cannot open the audit checkpoint file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array((checkpoint.line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw StoreError(.cannotOpen, "cannot write the audit checkpoint file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Every line of the file, in order; nil when there is no file.
    public func read() throws -> [Line]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.cannotOpen, "cannot read the audit checkpoint file \(path)")
        }
        let decoder = JSONDecoder()
        var lines: [Line] = []
        for (index, text) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !text.isEmpty {
            if let checkpoint = try? decoder.decode(AuditCheckpoint.self, from: Data(text)) {
                lines.append(.checkpoint(line: index + 1, checkpoint))
            } else {
                lines.append(.unreadable(line: index + 1))
            }
        }
        return lines
    }

    /// The file's checkpoints, for ``AuditTrail/verifyAudit(checkpoints:)``.
    public func checkpoints() throws -> AuditCheckpoints {
        AuditCheckpoints(source: path, lines: try read())
    }
}
