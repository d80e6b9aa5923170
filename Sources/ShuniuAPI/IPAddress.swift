/// An IPv4 or IPv6 address read from text (`203.0.113.7`, `2001:db8::1`), in pure Swift: header
/// values and configuration entries are checked before anything is done with them.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]
    /// The text it was read from, trimmed and in lower case.
    public let description: String

    /// Reads a plain address: no port, no brackets, no zone. Nil for anything else.
    public init?(_ text: some StringProtocol) {
        let trimmed = String(text).trimmingSpaces.lowercased()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 45 else { return nil }
        if let v4 = IPAddress.ipv4Bytes(Substring(trimmed)) {
            bytes = v4
        } else if let v6 = IPAddress.ipv6Bytes(trimmed) {
            bytes = v6
        } else {
            return nil
        }
        description = trimmed
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`), which a server
    /// listening on `::` reports for IPv4 clients; itself otherwise.
    var unmapped: [UInt8] {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }

    private static func ipv4Bytes(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func ipv6Bytes(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, dottedLast: Bool) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                // The address's last piece may be a dotted IPv4 address (`::ffff:10.0.0.1`).
                if dottedLast, index == pieces.count - 1, piece.contains("."), let v4 = ipv4Bytes(piece) {
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16), piece.allSatisfy(\.isHexDigit) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0], dottedLast: halves.count == 1) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        guard let tail = groups(halves[1], dottedLast: true), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (the whitespace HTTP allows around list items).
    var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
