import ShuniuCore

/// The common data spec as loaded from `Mappings/spec/`: datasets, code lists and the region table.
public struct DataSpec: Sendable {
    /// Stored with every normalized record.
    public var version: String
    public var datasets: [DatasetID: DatasetSpec]
    public var codeLists: [String: CodeList]
    public var regions: RegionTable

    public init(version: String, datasets: [DatasetID: DatasetSpec], codeLists: [String: CodeList], regions: RegionTable) {
        self.version = version
        self.datasets = datasets
        self.codeLists = codeLists
        self.regions = regions
    }

    public func dataset(_ id: DatasetID) -> DatasetSpec? { datasets[id] }
}
