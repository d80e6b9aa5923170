import ShuniuCore

/// The `detail` of an `ingest.batch` audit entry: counts and one line per record. Every engine
/// writes it alike, so that `shuniu audit` reads alike and `audit verify` checks each stored
/// version against the line that accepted it.
package struct IngestAuditDetail: Encodable {
    package struct Line: Encodable {
        var index: Int
        var dataset: String?
        var key: String?
        var status: String
        var version: Int?
        var problems: [String]?
        var warnings: [String]?
        /// For a stored version: the digest of its stored values (``VersionDigest``), and where it was routed.
        var digest: String?
        var to: [String]?

        package init(_ result: RecordResult, digest: String? = nil, routedTo destinations: [String]? = nil) {
            index = result.index
            dataset = result.dataset?.rawValue
            key = result.key
            status = result.status.rawValue
            version = result.version
            problems = result.problems.map { $0.map { "\($0.code.rawValue) \($0.path)" } }
            warnings = result.warnings.map { $0.map { "\($0.code.rawValue) \($0.path)" } }
            self.digest = digest
            to = destinations.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    var accepted: Int
    var duplicate: Int
    var rejected: Int
    var records: [Line]
    /// The signing certificate's fingerprint; absent for HMAC-signed batches.
    var certificate: String?
    /// The connector and URL of a pulled batch; absent for pushed ones.
    var pulled: PullProvenance?
    /// The records this batch withdrew, and the destinations each withdrawal followed its
    /// original to beyond its own routes; absent when none.
    var withdrawals: [Withdrawal]?

    package struct Withdrawal: Encodable {
        var index: Int
        /// `dataset/key` of the original.
        var withdraws: String
        var followedTo: [String]

        package init(index: Int, withdraws: String, followedTo: [String]) {
            self.index = index
            self.withdraws = withdraws
            self.followedTo = followedTo
        }
    }

    package init(
        accepted: Int, duplicate: Int, rejected: Int, records: [Line], certificate: String?, pulled: PullProvenance?, withdrawals: [Withdrawal]?
    ) {
        self.accepted = accepted
        self.duplicate = duplicate
        self.rejected = rejected
        self.records = records
        self.certificate = certificate
        self.pulled = pulled
        self.withdrawals = withdrawals
    }
}

/// The per-record lines of an `ingest.batch` entry's detail, as verification reads them.
package struct IngestAuditLines: Decodable {
    package struct Line: Decodable {
        package var dataset: String?
        package var key: String?
        package var status: String
        package var version: Int?
        package var digest: String?
        package var to: [String]?
    }

    package var records: [Line]
}
