import Foundation

/// The answer about one certificate: valid or not with every reason, warnings, the recognized CA,
/// the holder's identity and the chain — what `POST /api/v1/certificates/verify` and
/// `shuniu certs verify --json` print.
public struct CertificateVerdict: Encodable, Sendable {
    public struct Reason: Encodable, Sendable, Hashable {
        /// Stable: expired, notYetValid, revoked, crlMissing, staleCRL, crlInvalid, unknownCA,
        /// brokenChain, badSignature, keyUsage, basicConstraints, pathLength, notRecognized,
        /// keyAlgorithm, identity, signature, openssl.<n>.
        public var code: String
        public var message: String
        /// Position in the chain (0 is the certificate itself), when it concerns one.
        public var depth: Int?
    }

    public struct Authority: Encodable, Sendable, Hashable {
        public var id: String
        public var name: String
    }

    public struct ChainEntry: Encodable, Sendable, Hashable {
        public var subject: String
        public var issuer: String
        public var serial: String
        public var notBefore: Date
        public var notAfter: Date
        public var keyAlgorithm: String
        public var sha256: String

        init(_ certificate: X509Certificate) {
            subject = certificate.subject
            issuer = certificate.issuer
            serial = certificate.serialHex
            notBefore = certificate.notBefore
            notAfter = certificate.notAfter
            keyAlgorithm = certificate.publicKeyAlgorithm.description
            sha256 = certificate.sha256FingerprintHex
        }
    }

    public var valid: Bool
    public var reasons: [Reason]
    /// Accepted with reservations: a stale CRL under a CA's `warn` policy.
    public var warnings: [Reason]
    public var ca: Authority?
    public var identity: HolderIdentity?
    public var chain: [ChainEntry]
    /// The instant the certificate was judged at.
    public var at: Date
    /// The CRLs consulted, by issuer and thisUpdate: the revocation evidence kept with a signature.
    public var revocationEvidence: [String]

    public var reasonCodes: [String] { reasons.map(\.code) }
}

extension CertificateVerdict.Reason {
    init(_ problem: ChainProblem) {
        let code: String
        switch problem.code {
        case .expired: code = "expired"
        case .notYetValid: code = "notYetValid"
        case .revoked: code = "revoked"
        case .crlMissing: code = "crlMissing"
        case .crlExpired: code = "staleCRL"
        case .crlInvalid: code = "crlInvalid"
        case .untrustedRoot, .unknownIssuer: code = "unknownCA"
        case .brokenChain: code = "brokenChain"
        case .badSignature: code = "badSignature"
        case .keyUsage: code = "keyUsage"
        case .basicConstraints: code = "basicConstraints"
        case .pathLength: code = "pathLength"
        case .other(let error): code = "openssl.\(error)"
        }
        self.init(code: code, message: problem.message, depth: problem.depth)
    }
}
