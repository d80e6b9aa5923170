import ShuniuCore

/// The answer to an ingest batch: one result per record, in order, and the counts.
public struct IngestResponse: Codable, Sendable {
    public var accepted: Int
    public var duplicate: Int
    public var rejected: Int
    public var results: [RecordResult]
    /// When a batch has many problems: the same ones grouped by code and path, every instance listed.
    public var problemGroups: [ProblemGroup]?

    /// Above this many problems the answer also groups them.
    public static let groupingThreshold = 10

    public init(results: [RecordResult]) {
        self.results = results
        let problems = results.flatMap { $0.problems ?? [] }
        problemGroups = problems.count > IngestResponse.groupingThreshold ? ProblemGroup.grouping(problems) : nil
        accepted = results.filter { $0.status == .accepted }.count
        duplicate = results.filter { $0.status == .duplicate }.count
        rejected = results.filter { $0.status == .rejected }.count
    }
}
