import ShuniuCore

/// The common data spec as loaded from `Mappings/spec/`: datasets, code lists, the region table
/// and the holiday calendar.
public struct DataSpec: Sendable {
    /// Stored with every normalized record.
    public var version: String
    /// The edition of the national spec the files follow (V2.0, 发改办法规〔2018〕1156号).
    public var edition: String?
    /// Where the files knowingly differ from the national spec's tables, by dataset.
    public var deviations: [DatasetID: [SpecDeviation]]
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
                calendar: WorkingCalendar = .weekdaysOnly, edition: String? = nil, deviations: [SpecDeviation] = [],
                knownInvalidCodes: KnownInvalidCodes = KnownInvalidCodes()) {
        self.knownInvalidCodes = knownInvalidCodes
        self.version = version
        self.edition = edition
        self.deviations = Dictionary(grouping: deviations) { DatasetID(rawValue: $0.dataset) }
        self.datasets = datasets
        self.codeLists = codeLists
        self.regions = regions
        self.calendar = calendar
        let sources = Set(datasets.values.flatMap { $0.fields.compactMap(\.pattern) })
        self.patterns = Dictionary(uniqueKeysWithValues: sources.compactMap { source in FieldPattern(source).map { (source, $0) } })
    }

    public func dataset(_ id: DatasetID) -> DatasetSpec? { datasets[id] }
}

/// A short description: the hub's services are named by their description when the service
/// group starts, and a spec's tables printed in full (thousands of regions) would cost seconds.
extension DataSpec: CustomStringConvertible {
    public var description: String { "DataSpec(\(version): \(datasets.count) datasets, \(codeLists.count) code lists)" }
}
