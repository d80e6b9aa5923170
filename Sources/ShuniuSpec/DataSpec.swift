import ShuniuCore

/// The common data spec as loaded from `Mappings/spec/`: datasets, code lists and the region table.
public struct DataSpec: Sendable {
    /// Stored with every normalized record.
    public var version: String
    public var datasets: [DatasetID: DatasetSpec]
    public var codeLists: [String: CodeList]
    public var regions: RegionTable
    /// Every field pattern, compiled once at load: compiling per value would dominate validation.
    let patterns: [String: FieldPattern]

    public init(version: String, datasets: [DatasetID: DatasetSpec], codeLists: [String: CodeList], regions: RegionTable) {
        self.version = version
        self.datasets = datasets
        self.codeLists = codeLists
        self.regions = regions
        let sources = Set(datasets.values.flatMap { $0.fields.compactMap(\.pattern) })
        self.patterns = Dictionary(uniqueKeysWithValues: sources.compactMap { source in FieldPattern(source).map { (source, $0) } })
    }

    public func dataset(_ id: DatasetID) -> DatasetSpec? { datasets[id] }
}
