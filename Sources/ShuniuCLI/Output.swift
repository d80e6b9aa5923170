import Foundation

/// Prints JSON (sorted keys, RFC 3339 times with an offset) or aligned text tables. Times are
/// Beijing time, or UTC with `--utc` (``TimeDisplay``).
enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let display = TimeDisplay.current
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(display.text(date))
        }
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns padded to their widest cell; CJK characters count as two columns.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { width(of: $0[column]) }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - width(of: cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1.value) ? 2 : 1) }
    }

    /// East Asian wide and full-width characters (Hangul, CJK, full-width forms).
    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `2026-12-05T21:47:12+08:00` (or `…Z` with `--utc`); `-` for none.
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return TimeDisplay.current.text(date)
    }

    /// `45s`, `12m`, `3h 5m`, `2d 4h`.
    static func age(_ seconds: Double) -> String {
        let total = Int(seconds)
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m"
        case ..<86400: return "\(total / 3600)h \(total % 3600 / 60)m"
        default: return "\(total / 86400)d \(total % 86400 / 3600)h"
        }
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
