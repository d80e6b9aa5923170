/// How long the HTTP server waits for a client, and how many connections it holds open.
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `server.headerTimeoutSeconds` | integer 1–3600 | `10` | a request head must be complete this long after the connection opened or the first bytes of a later head arrived |
/// | `server.idleTimeoutSeconds` | integer 1–3600 | `60` | a kept-alive connection with no request under way and no bytes arriving is closed after this |
/// | `server.bodyTimeoutSeconds` | integer 1–3600 | `60` | the longest pause between two pieces of a request body while the hub is ready to read more |
/// | `server.maxConnectionsPerAddress` | integer 1–100000 | `64` | open connections from one TCP peer (behind a proxy, the proxy: `X-Forwarded-For` is not read yet); one more is closed at once, unanswered |
/// | `server.maxConnections` | integer 1–1000000 | `1000` | open connections in all; past it new ones wait in the listen backlog |
///
/// A request being answered (a long-polling feed read, say) is never idle. The body timeout is a
/// pause, not a total: a large upload at a steady pace takes as long as it needs.
public struct ConnectionLimits: Sendable, Equatable {
    /// Seconds allowed to send a complete request head.
    public var headerTimeoutSeconds = 10
    /// Seconds a kept-alive connection may wait for its next request.
    public var idleTimeoutSeconds = 60
    /// Seconds a request body may pause between two pieces.
    public var bodyTimeoutSeconds = 60
    /// Open connections allowed from one client address.
    public var maxConnectionsPerAddress = 64
    /// Open connections allowed in all.
    public var maxConnections = 1000

    /// The embedded defaults.
    public init() {}
}
