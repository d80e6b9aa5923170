import Foundation
import ShuniuCore

/// One stored version of a record, with its provenance.
public struct StoredVersion: Codable, Sendable, Hashable {
    /// Position in commit order across the whole hub.
    public var sequence: Int64
    public var hubId: Int64
    public var dataset: DatasetID
    public var businessKey: String
    public var version: Int
    public var sourcePlatform: String
    public var regionCode: String?
    public var rawPayload: String
    public var normalizedPayload: String
    public var contentHash: String
    public var specVersion: String
    public var receivedAt: Date
    /// For a mapped record: the mapping file's version, the source object's payload path, and
    /// the stored payload it came from.
    public var mappingVersion: String?
    public var sourcePath: String?
    public var payloadID: Int64?
    /// The verified detached signature with its evidence (canonical JSON), when signed.
    public var signature: String?
    /// The warnings the version was accepted with (JSON array of problems: missed deadlines,
    /// listed participants), for the supervisors it travels to; nil when none.
    public var flags: String?
    /// Fields the record carried that its dataset does not define (canonical JSON object of
    /// name → text), kept beside the spec's fields; nil when none.
    public var extra: String?
}
