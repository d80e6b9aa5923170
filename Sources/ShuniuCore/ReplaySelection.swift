import Foundation

/// Which history a replay re-enqueues.
public struct ReplaySelection: Sendable, Codable {
    public var destination: String
    public var since: Date
    public var dataset: DatasetID?
    public var platform: PlatformID?
    /// 不予共享 datasets: never sent, whatever else is selected.
    public var notShared: [DatasetID]

    public init(destination: String, since: Date, dataset: DatasetID? = nil, platform: PlatformID? = nil, notShared: [DatasetID] = []) {
        self.destination = destination
        self.since = since
        self.dataset = dataset
        self.platform = platform
        self.notShared = notShared
    }
}
