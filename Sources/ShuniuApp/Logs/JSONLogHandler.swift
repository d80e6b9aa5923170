import Foundation
import Logging
import ShuniuCore
import Synchronization

/// Writes each log event as one JSON object on one line (`log.format: json`): `time` (RFC 3339,
/// Beijing time, `+08:00`), `level`, `message`, `logger`, then the event's metadata as fields
/// (platform, destination, requestId, …), for log collectors that read JSON lines.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    /// A handler writing lines through `write` (a line ends with a newline).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// A handler writing to standard error, a whole line at a time.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in StandardErrorLines.shared.write(line) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        write(JSONLogHandler.line(time: Date(), level: event.level, message: "\(event.message)", label: label, fields: fields))
    }

    /// The fields every line starts with; metadata of the same name is left out rather than overwriting them.
    static let reservedKeys: Set<String> = ["time", "level", "message", "logger"]

    /// One line: the fixed fields first, then the metadata sorted by key, so lines compare well.
    static func line(time: Date, level: Logger.Level, message: String, label: String, fields: Logger.Metadata) -> String {
        var text = "{\"time\":\(quoted(BeijingTime.rfc3339(time))),\"level\":\(quoted(level.rawValue)),\"message\":\(quoted(message)),\"logger\":\(quoted(label))"
        for key in fields.keys.sorted() where !reservedKeys.contains(key) {
            text += ",\(quoted(key)):\(json(fields[key]!))"
        }
        return text + "}\n"
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): return quoted(string)
        case .stringConvertible(let convertible): return quoted(convertible.description)
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{" + values.keys.sorted().map { "\(quoted($0)):\(json(values[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal as the hub writes every JSON text (control characters escaped), with
    /// DEL and the Unicode line and paragraph separators escaped too, so no value can break the line
    /// in two for a log reader.
    static func quoted(_ string: String) -> String {
        var out = JSONValue.string(string).canonicalText
        for (raw, escaped) in [("\u{7F}", "\\u007f"), ("\u{2028}", "\\u2028"), ("\u{2029}", "\\u2029")] where out.contains(raw) {
            out = out.replacingOccurrences(of: raw, with: escaped)
        }
        return out
    }
}

/// Standard error written a line at a time under a lock, so lines from concurrent tasks never interleave.
final class StandardErrorLines: Sendable {
    static let shared = StandardErrorLines()
    private let lock = Mutex<Void>(())

    func write(_ line: String) {
        lock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
