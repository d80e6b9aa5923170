/// Checkpoints of the audit chain's head as read from where they are kept (the checkpoint file):
/// what verification compares the chain with, so that entries removed from its end are noticed.
public struct AuditCheckpoints: Sendable {
    /// One line of the file: a checkpoint, or the line number of one that does not parse.
    public enum Line: Sendable {
        case checkpoint(line: Int, AuditCheckpoint)
        case unreadable(line: Int)
    }

    /// Where they were read from, named in the report's notes.
    public var source: String
    /// Every line, in order; nil when there was nothing to read (no file).
    public var lines: [Line]?

    public init(source: String, lines: [Line]?) {
        self.source = source
        self.lines = lines
    }
}
