import Foundation
import ShuniuCore
import ShuniuSpec

/// One question to the public verify service (`POST /api/v1/certificates/verify`, `shuniu certs
/// verify`): a certificate, optional chain certificates, optional data with a detached signature,
/// and an optional time.
public struct CertificateCheck: Decodable, Sendable {
    /// PEM text, or base64 of DER.
    public var certificate: String
    /// Extra chain certificates the sender holds (PEM or base64 DER), to help build the chain.
    public var chain: [String]?
    /// Base64 of the signed data.
    public var data: String?
    /// Base64 of the signature: a raw signature (DER for ECDSA and SM2) or a CMS/PKCS#7 SignedData.
    public var signature: String?
    /// `raw` or `cms`; guessed from the signature when absent.
    public var signatureFormat: String?
    /// For raw signatures: `rsa-pkcs1-sha256` (default for RSA keys), `rsa-pss-sha256`,
    /// `ecdsa-sha256` (default for EC keys), `ecdsa-sha384`, `sm2-sm3` (default for SM2 keys).
    public var algorithm: String?
    /// When to judge the certificate: ISO 8601, or `yyyyMMddHHmmss` in Beijing time. Now when absent.
    public var at: String?

    public init(certificate: String, chain: [String]? = nil, data: String? = nil, signature: String? = nil,
                signatureFormat: String? = nil, algorithm: String? = nil, at: String? = nil) {
        self.certificate = certificate
        self.chain = chain
        self.data = data
        self.signature = signature
        self.signatureFormat = signatureFormat
        self.algorithm = algorithm
        self.at = at
    }

    /// A question that cannot be asked: the answer is a 400 with this message.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// Answers the question with `verification`. Blocks (SM2 is slow): call it off the cooperative pool.
    public func run(with verification: CertificateVerification, now: Date = Date()) throws(Invalid) -> CertificateVerdict {
        let leaf = try Self.certificate(certificate, field: "certificate")
        var extra: [X509Certificate] = []
        for (index, text) in (chain ?? []).enumerated() {
            extra += try Self.certificates(text, field: "chain[\(index)]")
        }
        let time = try at.map { text throws(Invalid) in
            guard let parsed = Self.time(text) else { throw Invalid(field: "at", message: "'\(text)' is neither ISO 8601 nor yyyyMMddHHmmss") }
            return parsed
        } ?? now
        var verdict = verification.verify(leaf, chain: extra, at: time)
        switch (data, signature) {
        case (nil, nil):
            break
        case (let data?, let signature?):
            let content = try Self.base64(data, field: "data")
            let signed = try Self.base64(signature, field: "signature")
            if let problem = try signatureProblem(signed, over: content, leaf: leaf, chain: extra, verification: verification) {
                verdict.reasons.append(.init(code: "signature", message: problem, depth: 0))
                verdict.valid = false
            }
        default:
            throw Invalid(field: data == nil ? "data" : "signature", message: "data and signature come together")
        }
        return verdict
    }

    /// Nil when the signature verifies with the certificate's key; else why not.
    private func signatureProblem(_ signature: [UInt8], over data: [UInt8], leaf: X509Certificate, chain: [X509Certificate], verification: CertificateVerification) throws(Invalid) -> String? {
        let format = signatureFormat ?? ((try? CMSSignedData(signature)) != nil ? "cms" : "raw")
        switch format {
        case "cms":
            let signed: CMSSignedData
            do { signed = try CMSSignedData(signature) } catch { throw Invalid(field: "signature", message: "not a CMS/PKCS#7 SignedData: \(error.message)") }
            do {
                let signers = try signed.verifyDetached(content: data, extraCertificates: [leaf] + chain)
                return signers.contains(where: { $0.der == leaf.der }) ? nil : "the SignedData was signed by \(signers.map(\.subject).joined(separator: "; ")), not by the certificate given"
            } catch {
                return "the CMS signature does not verify: \(error.message)"
            }
        case "raw":
            let scheme = try Self.scheme(algorithm, for: leaf, sm2ID: verification.authority(for: leaf, chain: chain)?.manifest.sm2ID ?? SM2.defaultDistinguishingID)
            do {
                return try SignatureVerification.verify(signature, over: data, certificate: leaf, scheme: scheme) ? nil : "the \(scheme) signature does not verify with the certificate's key"
            } catch {
                throw Invalid(field: "algorithm", message: error.message)
            }
        default:
            throw Invalid(field: "signatureFormat", message: "must be raw or cms, got '\(format)'")
        }
    }

    static func scheme(_ name: String?, for certificate: X509Certificate, sm2ID: String) throws(Invalid) -> SignatureScheme {
        switch name {
        case nil:
            switch certificate.publicKeyAlgorithm {
            case .rsa: return .rsaPKCS1v15(.sha256)
            case .sm2: return .sm2(distinguishingID: sm2ID)
            case .ecdsa(let curve): return .ecdsa(curve == "P-384" ? .sha384 : .sha256)
            case .other(let key): throw Invalid(field: "certificate", message: "\(key) keys cannot sign here")
            }
        case "rsa-pkcs1-sha256": return .rsaPKCS1v15(.sha256)
        case "rsa-pkcs1-sha384": return .rsaPKCS1v15(.sha384)
        case "rsa-pss-sha256": return .rsaPSS(.sha256)
        case "rsa-pss-sha384": return .rsaPSS(.sha384)
        case "ecdsa-sha256": return .ecdsa(.sha256)
        case "ecdsa-sha384": return .ecdsa(.sha384)
        case "sm2-sm3": return .sm2(distinguishingID: sm2ID)
        case let other?:
            throw Invalid(field: "algorithm", message: "unknown '\(other)' (rsa-pkcs1-sha256, rsa-pss-sha256, ecdsa-sha256, ecdsa-sha384, sm2-sm3)")
        }
    }

    static func certificate(_ text: String, field: String) throws(Invalid) -> X509Certificate {
        guard let first = try certificates(text, field: field).first else { throw Invalid(field: field, message: "no certificate") }
        return first
    }

    static func certificates(_ text: String, field: String) throws(Invalid) -> [X509Certificate] {
        let bytes = text.contains("-----BEGIN") ? Array(text.utf8) : try base64(text, field: field)
        do {
            return try X509Certificate.bundle(bytes)
        } catch {
            throw Invalid(field: field, message: error.message)
        }
    }

    static func base64(_ text: String, field: String) throws(Invalid) -> [UInt8] {
        let cleaned = text.filter { !$0.isWhitespace }
        guard !cleaned.isEmpty, let data = Data(base64Encoded: cleaned) else { throw Invalid(field: field, message: "not base64") }
        return [UInt8](data)
    }

    /// ISO 8601 (`2026-11-22T10:00:00+08:00`) or the spec's `yyyyMMddHHmmss` in Beijing time.
    static func time(_ text: String) -> Date? {
        if let spec = SpecTime.parseDateTime(text) { return spec }
        return try? Date(text, strategy: .iso8601)
    }
}
