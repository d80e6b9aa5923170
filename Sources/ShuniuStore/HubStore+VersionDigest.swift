import GRDB
import ShuniuTrust

extension HubStore {
    /// The columns of a record version its digest covers, in order (layout v1), and then `extra`
    /// (see ``versionDigest(_:)``).
    static let versionDigestColumns = [
        "record_id", "version", "dataset", "business_key", "source_platform", "region_code", "raw_payload", "normalized_payload",
        "content_hash", "spec_version", "received_at", "payload_id", "source_path", "mapping_version", "signature", "flags", "extra",
    ]

    /// SHA-256 over a version's stored values (``versionDigestColumns``), each typed and
    /// length-prefixed: recorded in the `ingest.batch` entry that stored the version, so that
    /// changing any of them afterwards is seen by `shuniu audit verify`. A trailing NULL (`extra`
    /// of a version that kept no unknown field, and of every version stored before it existed)
    /// is left out, so that those versions' digests stay what they were.
    static func versionDigest(_ values: [DatabaseValue]) -> String {
        var values = values
        if values.count == versionDigestColumns.count, values.last?.isNull == true { values.removeLast() }
        var bytes: [UInt8] = Array("shuniu-version v1".utf8)
        func length(_ count: Int) { withUnsafeBytes(of: UInt64(count).bigEndian) { bytes += $0 } }
        for value in values {
            switch value.storage {
            case .null:
                bytes.append(0)
            case .int64(let number):
                bytes.append(1)
                withUnsafeBytes(of: number.bigEndian) { bytes += $0 }
            case .double(let number):
                bytes.append(2)
                withUnsafeBytes(of: number.bitPattern.bigEndian) { bytes += $0 }
            case .string(let text):
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
