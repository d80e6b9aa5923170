import Foundation
import Logging
import PostgresNIO
import ShuniuCore
import ShuniuTrust

/// What an ingest batch writes once every record of it is decided: the records it made and
/// changed (``IngestBatchRecords``), its versions, the outbox rows and the listings, each kind in
/// one multi-row statement (a round trip per kind, not per record).
struct IngestBatchWrites {
    /// A version to store, with what its digest covers.
    struct Version {
        var id: Int64
        var recordID: Int64
        var version: Int
        var dataset: DatasetID
        var key: String
        var regionCode: String?
        var rawPayload: String
        var normalizedPayload: String
        var contentHash: String
        var specVersion: String
        var mapping: MappingProvenance?
        var signature: String?
        var flags: String?
        var extra: String?
        var dataKey: String?
        /// Stored only where the version number does not tell it (a revival, a tombstone).
        var operation: RecordOperation?
    }

    let platform: PlatformID
    let instant: Date
    let payloadID: Int64?
    private var versions: [Version] = []
    private var deliveries: [PostgresOutbox.Delivery] = []
    private var listings: [(code: String, recordID: Int64)] = []

    init(platform: PlatformID, instant: Date, payloadID: Int64?) {
        self.platform = platform
        self.instant = instant
        self.payloadID = payloadID
    }

    /// Adds `version` and gives its ``VersionDigest``, over its values as the SQLite engine stores them.
    mutating func add(_ version: Version) -> String {
        versions.append(version)
        func text(_ value: String?) -> StoredValue { value.map { .text($0) } ?? .null }
        // In the order of `VersionDigest.columns`.
        let values: [StoredValue] = [
            .integer(version.recordID), .integer(Int64(version.version)), .text(version.dataset.rawValue), .text(version.key),
            .text(platform.rawValue), text(version.regionCode), .text(version.rawPayload), .text(version.normalizedPayload),
            .text(version.contentHash), .text(version.specVersion), .time(instant), payloadID.map { .integer($0) } ?? .null,
            text(version.mapping?.sourcePath), text(version.mapping?.mappingVersion), text(version.signature), text(version.flags),
        ]
        return VersionDigest.of(values, later: [text(version.extra), text(version.dataKey), text(version.operation?.rawValue)])
    }

    /// The transactional outbox: the delivery rows commit with the version, or neither does.
    mutating func enqueue(versionID: Int64, recordID: Int64, for destinations: [String]) {
        deliveries += destinations.map { PostgresOutbox.Delivery(destination: $0, versionID: versionID, recordID: recordID) }
    }

    /// The destinations this batch has enqueued versions of `recordID` for.
    func destinations(of recordID: Int64) -> Set<String> {
        Set(deliveries.filter { $0.recordID == recordID }.map(\.destination))
    }

    mutating func list(_ code: String, recordID: Int64) {
        listings.append((code, recordID))
    }

    /// Writes everything added, in the order the foreign keys need.
    func flush(_ records: IngestBatchRecords, on connection: PostgresConnection, logger: Logger) async throws {
        let made = records.made.compactMap { records.entry($0) }
        if !made.isEmpty {
            try await connection.run("""
                INSERT INTO record (id, dataset, business_key, owner_platform, latest_version, latest_hash, region_code, created_at, updated_at,
                                    data_key, deleted, unique_values) VALUES
                """, rows: made, columns: 12, logger: logger) { entry, row in
                row.bind(entry.held.id, as: "bigint")
                row.bind(entry.dataset.rawValue, as: "text")
                row.bind(entry.held.key, as: "text")
                row.bind(entry.held.owner, as: "text")
                row.bind(entry.held.latestVersion, as: "integer")
                row.bind(entry.held.latestHash, as: "text")
                row.bind(entry.held.regionCode, as: "text")
                row.bind(instant, as: "timestamptz")
                row.bind(instant, as: "timestamptz")
                row.bind(entry.held.dataKey, as: "text")
                row.bind(entry.held.deleted, as: "boolean")
                row.bind(entry.uniqueValues, as: "text")
            }
        }
        let changed = records.changed.sorted().compactMap { records.entry($0) }
        if !changed.isEmpty {
            try await connection.run("""
                UPDATE record AS r SET latest_version = v.latest_version, latest_hash = v.latest_hash, region_code = v.region_code,
                    updated_at = v.updated_at, data_key = v.data_key, deleted = v.deleted, unique_values = v.unique_values
                FROM (VALUES
                """, rows: changed, columns: 8, tail: """
                ) AS v(id, latest_version, latest_hash, region_code, updated_at, data_key, deleted, unique_values) WHERE r.id = v.id
                """, logger: logger) { entry, row in
                row.bind(entry.held.id, as: "bigint")
                row.bind(entry.held.latestVersion, as: "integer")
                row.bind(entry.held.latestHash, as: "text")
                row.bind(entry.held.regionCode, as: "text")
                row.bind(instant, as: "timestamptz")
                row.bind(entry.held.dataKey, as: "text")
                row.bind(entry.held.deleted, as: "boolean")
                row.bind(entry.uniqueValues, as: "text")
            }
        }
        if !versions.isEmpty {
            try await connection.run("""
                INSERT INTO record_version (id, record_id, version, dataset, business_key, source_platform, region_code, raw_payload,
                    normalized_payload, content_hash, spec_version, received_at, payload_id, source_path, mapping_version, signature, flags,
                    extra, data_key, operation) VALUES
                """, rows: versions, columns: 20, logger: logger) { version, row in
                row.bind(version.id, as: "bigint")
                row.bind(version.recordID, as: "bigint")
                row.bind(version.version, as: "integer")
                row.bind(version.dataset.rawValue, as: "text")
                row.bind(version.key, as: "text")
                row.bind(platform.rawValue, as: "text")
                row.bind(version.regionCode, as: "text")
                row.bind(version.rawPayload, as: "text")
                row.bind(version.normalizedPayload, as: "text")
                row.bind(version.contentHash, as: "text")
                row.bind(version.specVersion, as: "text")
                row.bind(instant, as: "timestamptz")
                row.bind(payloadID, as: "bigint")
                row.bind(version.mapping?.sourcePath, as: "text")
                row.bind(version.mapping?.mappingVersion, as: "text")
                row.bind(version.signature, as: "text")
                row.bind(version.flags, as: "text")
                row.bind(version.extra, as: "text")
                row.bind(version.dataKey, as: "text")
                row.bind(version.operation?.rawValue, as: "text")
            }
        }
        try await PostgresOutbox.enqueue(deliveries, at: instant, on: connection, logger: logger)
        if !listings.isEmpty {
            try await connection.run(
                "INSERT INTO subject_listing (code, record_id) VALUES ", rows: listings, columns: 2, tail: " ON CONFLICT DO NOTHING", logger: logger
            ) { listing, row in
                row.bind(listing.code, as: "text")
                row.bind(listing.recordID, as: "bigint")
            }
        }
    }
}
