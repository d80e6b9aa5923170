import Foundation

/// One running hub daemon, as it reports itself to the store it serves from.
public struct HubInstance: Codable, Sendable, Hashable {
    /// Unique among running instances: the host, the process and a random part.
    public var name: String
    public var host: String
    public var pid: Int
    /// The build it runs (`shuniu version`).
    public var version: String
    public var startedAt: Date
    /// Its latest report.
    public var seenAt: Date

    public init(name: String, host: String, pid: Int, version: String, startedAt: Date, seenAt: Date) {
        self.name = name
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt
        self.seenAt = seenAt
    }
}
