import Foundation
import PostgresNIO
import ShuniuCore

extension PostgresStore {
    /// The `record_version` columns (table alias `v`) that ``storedVersion(_:)`` reads.
    static let versionColumns = """
        v.id, v.record_id, v.dataset, v.business_key, v.version, v.source_platform, v.region_code, v.raw_payload, v.normalized_payload,
        v.content_hash, v.spec_version, v.received_at, v.mapping_version, v.source_path, v.payload_id, v.signature, v.flags, v.extra,
        v.data_key, v.operation
        """

    /// A stored version from a row holding ``versionColumns``.
    static func storedVersion(_ row: PostgresRandomAccessRow) throws -> StoredVersion {
        let version = try row["version"].decode(Int.self)
        return StoredVersion(
            sequence: try row["id"].decode(Int64.self), hubId: try row["record_id"].decode(Int64.self),
            dataset: DatasetID(try row["dataset"].decode(String.self)), businessKey: try row["business_key"].decode(String.self),
            version: version, sourcePlatform: try row["source_platform"].decode(String.self), regionCode: try row["region_code"].decode(String?.self),
            rawPayload: try row["raw_payload"].decode(String.self), normalizedPayload: try row["normalized_payload"].decode(String.self),
            contentHash: try row["content_hash"].decode(String.self), specVersion: try row["spec_version"].decode(String.self),
            receivedAt: try row["received_at"].decode(Date.self), mappingVersion: try row["mapping_version"].decode(String?.self),
            sourcePath: try row["source_path"].decode(String?.self), payloadID: try row["payload_id"].decode(Int64?.self),
            signature: try row["signature"].decode(String?.self), flags: try row["flags"].decode(String?.self),
            extra: try row["extra"].decode(String?.self), dataKey: try row["data_key"].decode(String?.self),
            operation: try row["operation"].decode(String?.self).flatMap(RecordOperation.init(rawValue:)) ?? (version == 1 ? .insert : .update)
        )
    }
}
