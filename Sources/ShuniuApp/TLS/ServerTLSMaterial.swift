import Foundation
import NIOSSL
import ShuniuTrust

/// The certificate chain and key `server.tls` names, read, checked against each other and made
/// into the TLS context that new connections are served with.
struct ServerTLSMaterial: Sendable {
    let context: NIOSSLContext
    /// The served certificate's subject, SHA-256 fingerprint (hex) and expiry: for the log and the audit.
    let subject: String
    let fingerprint: String
    let notAfter: Date

    /// Reads and checks every file of `settings`; the problem names the key and file at fault.
    static func load(_ settings: ServerTLSSettings) throws(ServerTLSProblem) -> ServerTLSMaterial {
        let chainBytes = try read(settings.certificate, key: "server.tls.certificate")
        let chain: [X509Certificate]
        do {
            chain = try X509Certificate.bundle(chainBytes)
        } catch {
            throw ServerTLSProblem(key: "server.tls.certificate", file: settings.certificate, reason: "not a PEM certificate chain: \(error)")
        }
        let keyBytes = try read(settings.key, key: "server.tls.key")
        let privateKey: PrivateKey
        do {
            privateKey = try PrivateKey(keyBytes)
        } catch {
            throw ServerTLSProblem(key: "server.tls.key", file: settings.key, reason: "not an unencrypted PEM private key: \(error)")
        }
        let leaf = chain[0]
        if case .sm2 = privateKey.algorithm {
            // The SM2 suites belong to TLCP (GB/T 38636), which this TLS stack does not speak.
            throw ServerTLSProblem(key: "server.tls.key", file: settings.key, reason: "an SM2 key cannot be served over TLS: use RSA or ECDSA, and a TLCP gateway in front for 国密 clients")
        }
        guard privateKey.matches(leaf) else {
            throw ServerTLSProblem(key: "server.tls.key", file: settings.key, reason: "does not belong to the certificate in \(settings.certificate) (\(leaf.subject))")
        }
        var configuration: TLSConfiguration
        do {
            let certificates = try NIOSSLCertificate.fromPEMBytes(chainBytes)
            configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: keyBytes, format: .pem))
            )
        } catch {
            throw ServerTLSProblem(key: "server.tls.certificate", file: settings.certificate, reason: "the TLS library refuses this certificate and key: \(error)")
        }
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = settings.clientCA, settings.clientCertificates != .none {
            let caBytes = try read(clientCA, key: "server.tls.clientCA")
            let authorities: [NIOSSLCertificate]
            do {
                _ = try X509Certificate.bundle(caBytes)
                authorities = try NIOSSLCertificate.fromPEMBytes(caBytes)
            } catch {
                throw ServerTLSProblem(key: "server.tls.clientCA", file: clientCA, reason: "not a PEM bundle of CA certificates: \(error)")
            }
            // Only these CAs, never the system's: a client certificate from any public CA is no credential here.
            configuration.trustRoots = .certificates(authorities)
            configuration.certificateVerification = settings.clientCertificates == .required ? .noHostnameVerification : .optionalVerification
            configuration.sendCANameList = true
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerTLSProblem(key: "server.tls.certificate", file: settings.certificate, reason: "the TLS library refuses this certificate and key: \(error)")
        }
        return ServerTLSMaterial(
            context: context, subject: leaf.subject, fingerprint: DigestAlgorithm.sha256.hexHash(leaf.der), notAfter: leaf.notAfter
        )
    }

    private static func read(_ path: String, key: String) throws(ServerTLSProblem) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerTLSProblem(key: key, file: path, reason: "cannot be read")
        }
        return [UInt8](data)
    }
}

/// A file of `server.tls` that cannot be served: which key names it, the file, and why.
public struct ServerTLSProblem: Error, Sendable, CustomStringConvertible {
    /// The configuration key, `server.tls.key`.
    public let key: String
    public let file: String
    public let reason: String

    public var description: String { "'\(key)' \(file): \(reason)" }
}
