/// A version's content hash: equal content, equal hash, so that a record sent again unchanged is
/// a duplicate. The content is the spec's fields (normalized payload) and, when the record kept
/// fields its dataset does not define, those too — a change in one of them is a new version.
public enum ContentHash {
    /// Lower-case hex SHA-256 of `normalized`, or of `normalized`, a line feed and `extra` (canonical
    /// JSON holds no raw line feed, so the two parts cannot be confused).
    public static func of(normalized: String, extra: String?) -> String {
        guard let extra else { return DigestAlgorithm.sha256.hexHash(Array(normalized.utf8)) }
        return DigestAlgorithm.sha256.hexHash(Array((normalized + "\n" + extra).utf8))
    }
}
