/// Where a pulled batch came from: the hub fetched it itself, so it has no request, signature or
/// caller address. Kept in the batch's audit entry.
public struct PullProvenance: Codable, Sendable, Hashable {
    /// The connector's configured name.
    public var connector: String
    /// The URL fetched, query included (it carries no secret: tokens and signatures travel in headers).
    public var url: String

    public init(connector: String, url: String) {
        self.connector = connector
        self.url = url
    }
}
