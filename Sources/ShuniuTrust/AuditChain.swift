import Foundation

/// The audit chain's rules, the same on every engine: what an entry's hash covers, how it is
/// computed, and how times are written (the hashes cover them as written).
package enum AuditChain {
    /// The `previous_hash` of the first entry.
    package static let genesisHash = String(repeating: "0", count: 64)

    /// The fields as stored (previous hash, id, time, actor kind, actor, action, outcome,
    /// subject, address, detail; "" for none), one per line.
    package static func text(fields: [String]) -> String {
        fields.joined(separator: "\n")
    }

    /// The hash of an entry's text: HMAC-SHA256 under the audit key from the chain's keyed-from
    /// entry on, plain SHA-256 (the rule of stores from before the chain was keyed) before it.
    package static func hash(text: String, key: AuditKey?) -> String {
        let bytes = Array(text.utf8)
        guard let key else { return DigestAlgorithm.sha256.hexHash(bytes) }
        return key.chainHash(bytes)
    }

    /// UTC text with milliseconds (`2026-11-22T02:20:59.123Z`); hashed exactly as stored.
    package static func timestamp(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Date(timeIntervalSince1970: Double(millis / 1000))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: seconds)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!, Int(millis % 1000))
    }

    /// The instant of a time written by ``timestamp(_:)``.
    package static func parseTimestamp(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:.Z".contains($0) }).compactMap { Int($0) }
        guard parts.count == 7 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
        return calendar.date(from: components).map { $0.addingTimeInterval(Double(parts[6]) / 1000) }
    }
}
