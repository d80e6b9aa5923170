import ShuniuCore

/// The common data spec as loaded from `Mappings/spec/`: datasets, code lists, the region table
/// and the holiday calendar.
public struct DataSpec: Sendable {
    /// Stored with every normalized record.
    public var version: String
    public var datasets: [DatasetID: DatasetSpec]
    public var codeLists: [String: CodeList]
    public var regions: RegionTable
    /// Working days and statutory holidays, for deadlines counted in working days or ending on a rest day.
    public var calendar: WorkingCalendar
    /// Real codes that fail their check character: accepted with a warning. Shared by every copy
    /// of this spec; a hub gives itself its own (its operators' codes are its store's).
    public var knownInvalidCodes: KnownInvalidCodes
    /// Every field pattern, compiled once at load: compiling per value would dominate validation.
    let patterns: [String: FieldPattern]

    public init(version: String, datasets: [DatasetID: DatasetSpec], codeLists: [String: CodeList], regions: RegionTable,
                calendar: WorkingCalendar = .weekdaysOnly, knownInvalidCodes: KnownInvalidCodes = KnownInvalidCodes()) {
        self.knownInvalidCodes = knownInvalidCodes
        self.version = version
        self.datasets = datasets
        self.codeLists = codeLists
        self.regions = regions
        self.calendar = calendar
        let sources = Set(datasets.values.flatMap { $0.fields.compactMap(\.pattern) })
        self.patterns = Dictionary(uniqueKeysWithValues: sources.compactMap { source in FieldPattern(source).map { (source, $0) } })
    }

    public func dataset(_ id: DatasetID) -> DatasetSpec? { datasets[id] }
}
