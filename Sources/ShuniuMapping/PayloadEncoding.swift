import ShuniuCore

/// The character encoding of a platform's payloads: the mapping file's `encoding` key (default
/// `utf-8`). An XML payload's own declaration (`<?xml … encoding="GBK"?>`) wins over it.
/// GBK and GB 2312 are read as GB 18030, which contains both.
public enum PayloadEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// The names a mapping file or an XML declaration may use, case-insensitively.
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }

    /// The accepted names, for messages.
    static let names = "utf-8, gb18030, gbk, gb2312"

    /// The payload as UTF-8, or where it stops being this encoding: a 1-based line and column
    /// (in characters), and the offending byte.
    func utf8(_ bytes: [UInt8]) throws(EncodingFailure) -> [UInt8] {
        switch self {
        case .utf8:
            return bytes
        case .gb18030:
            do {
                return try GB18030Transcoder.utf8(from: bytes)
            } catch {
                let (line, column) = EncodingFailure.location(afterUTF8: error.decodedPrefix)
                throw EncodingFailure(line: line, column: column, message: error.reason)
            }
        }
    }
}

/// Bytes that are not in the payload's encoding, located.
public struct EncodingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }

    /// The line and column just after some UTF-8 text: where the next character starts.
    static func location(afterUTF8 text: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in text {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }
}
