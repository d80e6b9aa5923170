import Foundation

/// A record withdrawn by a record of another dataset (a 302 blacklist entry by its 303
/// withdrawal): the original is kept, and readers see it marked.
public struct Withdrawal: Sendable, Hashable {
    /// The withdrawing record.
    public var dataset: DatasetID
    public var key: String
    /// Its version that withdrew the original.
    public var version: Int
    public var at: Date

    public init(dataset: DatasetID, key: String, version: Int, at: Date) {
        self.dataset = dataset
        self.key = key
        self.version = version
        self.at = at
    }
}

/// The record a withdrawal withdraws: its dataset and business key.
public struct WithdrawnRecord: Sendable, Hashable {
    public var dataset: DatasetID
    public var key: String
    /// Destinations the routes do not send the withdrawal to: it goes to those of them that
    /// received the original, or have it on the way.
    public var mayFollowTo: [String]

    public init(dataset: DatasetID, key: String, mayFollowTo: [String] = []) {
        self.dataset = dataset
        self.key = key
        self.mayFollowTo = mayFollowTo
    }
}
