import Foundation

/// The row saying from which entry on the audit chain is keyed, and by which key: the same on
/// every engine (table `audit_chain_key`), its tag a MAC under the chain key of its other fields.
package struct AuditChainMarker: Sendable {
    package var fromID: Int64
    package var scheme: String
    package var keyID: String
    package var tag: String
    package var createdAt: String

    package init(fromID: Int64, scheme: String, keyID: String, tag: String, createdAt: String) {
        self.fromID = fromID
        self.scheme = scheme
        self.keyID = keyID
        self.tag = tag
        self.createdAt = createdAt
    }

    /// A new marker keying the chain with `key` from entry `fromID` on, tagged.
    package init(keying fromID: Int64, with key: AuditKey, at instant: Date) {
        self.init(fromID: fromID, scheme: AuditKey.scheme, keyID: key.id, tag: "", createdAt: AuditChain.timestamp(instant))
        tag = key.chainHash(Array(taggedText.utf8))
    }

    /// The text the tag is a MAC of (under the chain key).
    package var taggedText: String { ["shuniu-audit-keyed-from", String(fromID), scheme, keyID, createdAt].joined(separator: "\n") }

    /// True when `key` is the key this marker names and made its tag.
    package func isMade(by key: AuditKey) -> Bool {
        keyID == key.id && scheme == AuditKey.scheme && key.chainHash(Array(taggedText.utf8)) == tag
    }
}
