import Foundation

/// The head of the audit chain at one moment, signed with the audit key: written outside the
/// store (a file, the log) so that removing entries from the end of the chain is noticed.
public struct AuditCheckpoint: Codable, Sendable, Equatable {
    /// Why it was written: `start`, `interval`, `stop`, or `restore` (checkpoints before a
    /// `restore` describe the store that was replaced and are no longer compared).
    public var event: String
    /// Entries in the chain.
    public var entries: Int
    /// The last entry's id and hash (0 and the genesis hash for an empty chain).
    public var lastId: Int64
    public var lastHash: String
    /// The first keyed entry's id.
    public var keyedFrom: Int64?
    /// The key's id.
    public var keyId: String
    /// When, as the audit log writes times.
    public var at: String
    /// HMAC-SHA256 of ``signedText`` under the key's checkpoint key.
    public var mac: String

    /// The text the MAC is computed over.
    public var signedText: String {
        [
            "shuniu-audit-checkpoint v1", event, String(entries), String(lastId), lastHash,
            keyedFrom.map(String.init) ?? "-", keyId, at,
        ].joined(separator: "\n")
    }

    /// One line of JSON, keys sorted.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// A value with every field given (an engine reading its rows).
    public init(event: String, entries: Int, lastId: Int64, lastHash: String, keyedFrom: Int64? = nil, keyId: String, at: String, mac: String) {
        self.event = event
        self.entries = entries
        self.lastId = lastId
        self.lastHash = lastHash
        self.keyedFrom = keyedFrom
        self.keyId = keyId
        self.at = at
        self.mac = mac
    }
}
