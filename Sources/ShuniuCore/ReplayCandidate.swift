/// A version a replay would queue, as the destination's routes judge it.
public struct ReplayCandidate: Sendable {
    public var dataset: DatasetID
    public var platform: PlatformID
    public var regionCode: String?
    /// The version's normalized fields as canonical JSON (for routes on a field such as the industry).
    public var normalizedPayload: String

    /// A value with every field given (an engine reading its rows).
    public init(dataset: DatasetID, platform: PlatformID, regionCode: String? = nil, normalizedPayload: String) {
        self.dataset = dataset
        self.platform = platform
        self.regionCode = regionCode
        self.normalizedPayload = normalizedPayload
    }
}
