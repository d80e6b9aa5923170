import Foundation
import ShuniuTrust

/// The CRL cache on disk, shared by the daemon and `shuniu certs crl refresh`:
///
/// ```
/// <dataDir>/crl/<ca-id>/<sha256(url)>.crl   the CRL as fetched (DER or PEM), one file per URL
/// <dataDir>/crl/<ca-id>/status.json         [CRLSource]: every URL known for the CA and its fetches
/// ```
///
/// Every file is written to a temporary name in the same folder and renamed over the old one,
/// so a reader (the other process, or a start-up after a crash) sees the old file or the new,
/// never half of one. Files written by hand under `<dataDir>/crl/` are still read
/// (``CRLFolder``), they are simply not refreshed.
public struct CRLCache: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public static func fileName(for url: String) -> String {
        DigestAlgorithm.sha256.hexHash(Array(url.utf8)) + ".crl"
    }

    public func folder(of ca: String) -> String {
        (folder as NSString).appendingPathComponent(ca)
    }

    public func path(ca: String, url: String) -> String {
        (folder(of: ca) as NSString).appendingPathComponent(Self.fileName(for: url))
    }

    /// The bytes cached for `url`, if any.
    public func cached(ca: String, url: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(ca: ca, url: url)).map { [UInt8]($0) }
    }

    public func store(_ bytes: [UInt8], ca: String, url: String) throws {
        try Self.writeAtomically(bytes, to: path(ca: ca, url: url))
    }

    /// The sources recorded for `ca`; empty when there is no readable status file.
    public func sources(of ca: String) -> [CRLSource] {
        guard let data = FileManager.default.contents(atPath: statusPath(of: ca)) else { return [] }
        return (try? Self.decoder.decode([CRLSource].self, from: data)) ?? []
    }

    public func saveSources(_ sources: [CRLSource], of ca: String) throws {
        try Self.writeAtomically([UInt8](try Self.encoder.encode(sources)), to: statusPath(of: ca))
    }

    /// Name, size and modification time of every CRL file: changes when any process writes one.
    public func fingerprint() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var entries: [String] = []
        for case let relative as String in walker where relative.lowercased().hasSuffix(".crl") {
            let attributes = try? FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(relative))
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            entries.append("\(relative) \(size) \(modified)")
        }
        return entries.sorted()
    }

    private func statusPath(of ca: String) -> String {
        (folder(of: ca) as NSString).appendingPathComponent("status.json")
    }

    /// Writes to `.<name>.<uuid>.tmp` beside `path`, then renames: rename(2) within one folder
    /// replaces the old file in one step. The temporary name does not end in `.crl`, so a scan
    /// never reads a file being written.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = (directory as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp")
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "cannot rename into \(path): \(reason)"])
        }
    }

    /// ISO 8601 with milliseconds: the daemon and the CLI compare attempt times across the file.
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(timeFormat))
        }
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = (try? Date(text, strategy: timeFormat)) ?? (try? Date(text, strategy: .iso8601)) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
            }
            return date
        }
        return decoder
    }
}
