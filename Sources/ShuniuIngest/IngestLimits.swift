/// Bounds on one ingest request.
public struct IngestLimits: Sendable, Hashable {
    /// Most records in one batch.
    public var maxRecords: Int
    /// Largest request body, in bytes.
    public var maxBodyBytes: Int
    /// How far a request's timestamp may be from the hub's clock, in seconds, either way.
    /// Nonces are remembered for twice this long.
    public var replayWindowSeconds: Int
    /// How deep a spec-shaped batch's objects and arrays may nest. A batch needs five levels
    /// (`{"records": [{"data": {…}, "signature": {"chain": […]}}]}`); a little room is left.
    public var maxDepth: Int

    public init(maxRecords: Int = 1000, maxBodyBytes: Int = 8 * 1024 * 1024, replayWindowSeconds: Int = 300, maxDepth: Int = 8) {
        self.maxRecords = maxRecords
        self.maxBodyBytes = maxBodyBytes
        self.replayWindowSeconds = replayWindowSeconds
        self.maxDepth = maxDepth
    }
}
