/// Whether the store takes writes, as its last write found, and why not.
public enum StoreWriteState: Sendable, Hashable {
    case writable
    /// No space: the disk, or the store's configured size limit.
    case full(reason: String)
    /// Read-only, an I/O error, the file gone or locked by another process, the database unreachable.
    case unavailable(reason: String)

    public var isWritable: Bool { self == .writable }
}
