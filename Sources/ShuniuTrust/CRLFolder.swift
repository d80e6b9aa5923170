import Foundation

/// CRLs kept on disk, `<folder>/<ca-id>/*.crl` (PEM or DER): the hub's cache, which CRL
/// fetching fills and verification reads at start-up.
public enum CRLFolder {
    /// Every readable CRL under `folder`, and the files that are not CRLs.
    public static func load(_ folder: String) -> (crls: [X509CRL], unreadable: [String]) {
        var crls: [X509CRL] = []
        var unreadable: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return ([], []) }
        for case let relative as String in walker where relative.lowercased().hasSuffix(".crl") {
            let path = (folder as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: path), let crl = try? X509CRL([UInt8](data)) else {
                unreadable.append(path)
                continue
            }
            crls.append(crl)
        }
        return (crls, unreadable)
    }
}
