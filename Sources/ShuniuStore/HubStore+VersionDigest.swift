import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// The columns of a record version its digest covers, in order (``VersionDigest``).
    static let versionDigestColumns = VersionDigest.columns

    /// Columns added since layout v1, in the digest only when set (``VersionDigest``).
    static let versionDigestLaterColumns = VersionDigest.laterColumns

    /// ``VersionDigest`` of a version's values as SQLite stores them.
    static func versionDigest(_ values: [DatabaseValue], later: [DatabaseValue] = []) -> String {
        VersionDigest.of(values.map(\.storedValue), later: later.map(\.storedValue))
    }
}

extension DatabaseValue {
    /// The value in the engine-neutral form.
    var storedValue: StoredValue {
        switch storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .blob(Array(data))
        }
    }
}
