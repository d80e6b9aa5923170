import ShuniuCore

/// The answer to an ingest batch: one result per record, in order, and the counts.
public struct IngestResponse: Codable, Sendable {
    public var accepted: Int
    public var duplicate: Int
    public var rejected: Int
    public var results: [RecordResult]

    public init(results: [RecordResult]) {
        self.results = results
        accepted = results.filter { $0.status == .accepted }.count
        duplicate = results.filter { $0.status == .duplicate }.count
        rejected = results.filter { $0.status == .rejected }.count
    }
}
