import Foundation
import ShuniuCore
import ShuniuSpec
import Yams

/// The recognized CAs, read from `Certs/<ca-id>/` (format: `Certs/README.md`).
///
/// Every folder is checked on its own: a folder with any problem is refused with every problem
/// (file and line), and the other CAs stay recognized — one CA's typo never takes the hub's
/// certificate checks down.
public struct TrustList: Sendable {
    public var authorities: [RecognizedCA]
    /// Problems of refused folders.
    public var refused: [Diagnostic]

    public init(authorities: [RecognizedCA], refused: [Diagnostic] = []) {
        self.authorities = authorities
        self.refused = refused
    }

    public func authority(id: String) -> RecognizedCA? {
        authorities.first { $0.id == id }
    }

    /// Reads every CA folder under `directory` (files directly in it, such as README.md, are ignored).
    public static func load(directory: String) -> TrustList {
        var authorities: [RecognizedCA] = []
        var refused: [Diagnostic] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names {
            let folder = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue, !name.hasPrefix(".") else { continue }
            switch RecognizedCA.load(id: name, folder: folder) {
            case .success(let authority): authorities.append(authority)
            case .failure(let problems): refused += problems.diagnostics
            }
        }
        return TrustList(authorities: authorities, refused: refused)
    }
}

/// One recognized CA: its manifest and certificates.
public struct RecognizedCA: Sendable {
    /// The folder's name.
    public var id: String
    public var manifest: CAManifest
    /// Self-signed certificates: the trust anchors.
    public var roots: [X509Certificate]
    public var intermediates: [X509Certificate]
    public var folder: String

    /// Every certificate of the CA's own chain.
    public var certificates: [X509Certificate] { roots + intermediates }

    static func load(id: String, folder: String) -> Result<RecognizedCA, DiagnosticsError> {
        var problems: [Diagnostic] = []
        let manifestFile = (folder as NSString).appendingPathComponent("ca.yaml")
        if id.isEmpty || !id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            problems.append(Diagnostic(file: folder, line: nil, message: "a CA folder is named with lower-case letters, digits and '-' (e.g. zjca-sm2)"))
        }
        guard FileManager.default.fileExists(atPath: manifestFile) else {
            return .failure(DiagnosticsError(problems + [Diagnostic(file: manifestFile, line: nil, message: "missing: every CA folder has a ca.yaml manifest (see Certs/README.md)")]))
        }
        let decoded = SpecLoader.decodeWithNode(CAManifest.self, file: manifestFile, into: &problems)
        if let (manifest, root) = decoded {
            problems += check(manifest, file: manifestFile, root: root)
        }

        var roots: [X509Certificate] = []
        var intermediates: [X509Certificate] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { [".pem", ".crt", ".cer"].contains(("." + ($0 as NSString).pathExtension).lowercased()) }
        for name in files {
            let file = (folder as NSString).appendingPathComponent(name)
            do {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
                for certificate in try X509Certificate.bundle(bytes) {
                    if certificate.isSelfSigned { roots.append(certificate) } else { intermediates.append(certificate) }
                }
            } catch {
                problems.append(Diagnostic(file: file, line: nil, message: "not a PEM or DER certificate: \(error)"))
            }
        }
        if roots.isEmpty && files.isEmpty == false && problems.isEmpty {
            problems.append(Diagnostic(file: folder, line: nil, message: "no root (self-signed) certificate among \(files.joined(separator: ", "))"))
        } else if files.isEmpty {
            problems.append(Diagnostic(file: folder, line: nil, message: "no certificate files (*.pem, *.crt, *.cer): a CA needs at least its root"))
        }
        guard problems.isEmpty, let (manifest, _) = decoded else { return .failure(DiagnosticsError(problems)) }
        return .success(RecognizedCA(id: id, manifest: manifest, roots: roots, intermediates: intermediates, folder: folder))
    }

    /// Checks beyond the manifest's shape: dates in order, something to extract, fetchable URLs.
    static func check(_ manifest: CAManifest, file: String, root: Node) -> [Diagnostic] {
        var found: [Diagnostic] = []
        func report(_ path: [String], _ message: String) {
            let keys: [any CodingKey] = path.map { part in Int(part).map(IndexKey.init) ?? IndexKey(part) }
            found.append(Diagnostic(file: file, line: YAMLLocator.line(in: root, at: keys), message: message))
        }
        if manifest.recognizedUntil < manifest.recognizedSince {
            report(["recognizedUntil"], "recognizedUntil \(manifest.recognizedUntil) is before recognizedSince \(manifest.recognizedSince)")
        }
        if manifest.keyAlgorithms.isEmpty { report(["keyAlgorithms"], "keyAlgorithms must name at least one of rsa, ecdsa-p256, ecdsa-p384, sm2") }
        if manifest.identity.isEmpty { report(["identity"], "identity needs at least one rule: where this CA puts the holder's code") }
        if let id = manifest.sm2DistinguishingID, id.isEmpty || id.utf8.count > 8191 {
            report(["sm2DistinguishingID"], "sm2DistinguishingID must be 1 to 8191 bytes")
        }
        for (index, url) in manifest.crl.urls.enumerated() where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            report(["crl", "urls", "\(index)"], "CRL location '\(url)' must be an http or https URL")
        }
        if manifest.crl.refreshBeforeSeconds < 0 { report(["crl", "refreshBeforeSeconds"], "refreshBeforeSeconds must not be negative") }
        return found
    }
}
