/// Selects records for one destination. Every filter that is given must match; an absent
/// filter matches everything.
public struct Route: Sendable, Hashable {
    public var destination: String
    /// Datasets (data classes); nil for all.
    public var datasets: Set<DatasetID>?
    /// GB/T 2260 code prefixes: `42` Hubei, `4201` Wuhan.
    public var regionPrefixes: [String]?
    /// Industry code prefixes (GB/T 4754: `E`, `E47`).
    public var industryPrefixes: [String]?
    /// Source platforms.
    public var platforms: Set<PlatformID>?

    public init(destination: String, datasets: Set<DatasetID>? = nil, regionPrefixes: [String]? = nil,
                industryPrefixes: [String]? = nil, platforms: Set<PlatformID>? = nil) {
        self.destination = destination
        self.datasets = datasets
        self.regionPrefixes = regionPrefixes
        self.industryPrefixes = industryPrefixes
        self.platforms = platforms
    }

    /// True when the record passes every filter. A record without a region (or industry) does
    /// not match a route that filters on it.
    public func matches(_ record: RoutingFacts) -> Bool {
        if let datasets, !datasets.contains(record.dataset) { return false }
        if let platforms, !platforms.contains(record.platform) { return false }
        if let regionPrefixes {
            guard let region = record.regionCode, regionPrefixes.contains(where: region.hasPrefix) else { return false }
        }
        if let industryPrefixes {
            guard let industry = record.industryCode, industryPrefixes.contains(where: industry.hasPrefix) else { return false }
        }
        return true
    }
}

/// What routing looks at in a record.
public struct RoutingFacts: Sendable, Hashable {
    public var dataset: DatasetID
    public var platform: PlatformID
    public var regionCode: String?
    public var industryCode: String?

    public init(dataset: DatasetID, platform: PlatformID, regionCode: String?, industryCode: String?) {
        self.dataset = dataset
        self.platform = platform
        self.regionCode = regionCode
        self.industryCode = industryCode
    }
}

/// All routes: a record goes to every destination with at least one matching route.
public struct RoutingTable: Sendable, Hashable {
    public var routes: [Route]

    public init(routes: [Route] = []) {
        self.routes = routes
    }

    /// Destination names for a record, each once, in configuration order.
    public func destinations(for record: RoutingFacts) -> [String] {
        var names: [String] = []
        for route in routes where route.matches(record) && !names.contains(route.destination) {
            names.append(route.destination)
        }
        return names
    }
}
