import ShuniuCore

/// A record version's digest, recorded in the `ingest.batch` entry that stored the version, so
/// that changing any of its stored values afterwards is seen by `shuniu audit verify`. Computed
/// over ``StoredValue``s, as the SQLite engine stores them, so that every engine computes the
/// same digest for the same version (and a store copied from one engine to another verifies).
package enum VersionDigest {
    /// The columns of a record version the digest covers, in order (layout v1).
    package static let columns = [
        "record_id", "version", "dataset", "business_key", "source_platform", "region_code", "raw_payload", "normalized_payload",
        "content_hash", "spec_version", "received_at", "payload_id", "source_path", "mapping_version", "signature", "flags",
    ]

    /// Columns added since layout v1 (the fields a dataset does not define, the DATA_KEY and the
    /// operation): in the digest only when set, each after its name, so that versions stored
    /// before them keep their digests.
    package static let laterColumns = ["extra", "data_key", "operation"]

    /// SHA-256 over `values` (``columns``), then the set ones of `later` (``laterColumns``),
    /// each typed and length-prefixed.
    package static func of(_ values: [StoredValue], later: [StoredValue] = []) -> String {
        var laterValues: [StoredValue] = []
        for (name, value) in zip(laterColumns, later) where value != .null {
            laterValues += [.text(name), value]
        }
        return typedDigest(values + laterValues)
    }

    private static func typedDigest(_ values: [StoredValue]) -> String {
        var bytes: [UInt8] = Array("shuniu-version v1".utf8)
        func length(_ count: Int) { withUnsafeBytes(of: UInt64(count).bigEndian) { bytes += $0 } }
        for value in values {
            switch value {
            case .null:
                bytes.append(0)
            case .integer(let number):
                bytes.append(1)
                withUnsafeBytes(of: number.bigEndian) { bytes += $0 }
            case .real(let number):
                bytes.append(2)
                withUnsafeBytes(of: number.bitPattern.bigEndian) { bytes += $0 }
            case .text(let text):
                bytes.append(3)
                length(text.utf8.count)
                bytes += text.utf8
            case .blob(let data):
                bytes.append(4)
                length(data.count)
                bytes += data
            }
        }
        return DigestAlgorithm.sha256.hexHash(bytes)
    }
}
