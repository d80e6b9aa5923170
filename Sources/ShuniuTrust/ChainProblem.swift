import COpenSSL

/// One reason a certificate chain was refused (or, as a warning, accepted with reservations).
public struct ChainProblem: Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, grouped from OpenSSL's X509_V_ERR_* codes.
    public enum Code: Sendable, Hashable {
        /// A certificate is past notAfter at the validation time.
        case expired
        /// A certificate is before notBefore at the validation time.
        case notYetValid
        /// A CRL lists the certificate.
        case revoked
        /// Revocation checking is on but no CRL covers the certificate.
        case crlMissing
        /// The covering CRL is past nextUpdate (stale).
        case crlExpired
        /// The covering CRL is unusable: bad signature, not yet valid, wrong scope, unknown critical extension.
        case crlInvalid
        /// The chain ends at a self-signed certificate that is not a trust anchor.
        case untrustedRoot
        /// The chain climbs through CA certificates to one whose issuer is neither supplied nor
        /// trusted: a CA outside the trust list.
        case unknownIssuer
        /// The leaf's issuer is neither supplied nor known: typically a missing intermediate.
        case brokenChain
        /// A certificate's signature does not verify with its issuer's key.
        case badSignature
        /// A key usage forbids the use: an issuer without keyCertSign, or a leaf that cannot sign.
        case keyUsage
        /// A certificate acting as a CA is not a CA (basicConstraints).
        case basicConstraints
        /// A CA's pathLenConstraint is exceeded.
        case pathLength
        /// Any other OpenSSL verification error (X509_V_ERR_*): policy, name constraints, …
        case other(Int32)
    }

    /// What went wrong.
    public var code: Code
    /// OpenSSL's words, with the certificate concerned.
    public var message: String
    /// Where in the chain: 0 is the leaf.
    public var depth: Int
    /// The subject of the certificate at `depth`, when OpenSSL named one.
    public var subject: String?
    /// The X509_V_ERR_* value; 0 for checks this module makes itself (signer key usage).
    public var openSSLError: Int32

    /// A problem found by this module or by the caller.
    public init(code: Code, message: String, depth: Int, subject: String? = nil, openSSLError: Int32 = 0) {
        self.code = code
        self.message = message
        self.depth = depth
        self.subject = subject
        self.openSSLError = openSSLError
    }

    /// A problem from an X509_V_ERR_* value reported by X509_verify_cert.
    init(openSSLError error: Int32, depth: Int, subject: String?) {
        let text = String(cString: X509_verify_cert_error_string(Int(error)))
        let message = subject.map { "\(text) at depth \(depth) (\($0))" } ?? "\(text) at depth \(depth)"
        self.init(code: Self.code(for: error, depth: depth), message: message, depth: depth, subject: subject, openSSLError: error)
    }

    static func code(for error: Int32, depth: Int) -> Code {
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED: .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: .notYetValid
        case X509_V_ERR_CERT_REVOKED: .revoked
        case X509_V_ERR_UNABLE_TO_GET_CRL: .crlMissing
        case X509_V_ERR_CRL_HAS_EXPIRED: .crlExpired
        case X509_V_ERR_CRL_NOT_YET_VALID, X509_V_ERR_CRL_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE,
             X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, X509_V_ERR_KEYUSAGE_NO_CRL_SIGN, X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION,
             X509_V_ERR_DIFFERENT_CRL_SCOPE, X509_V_ERR_CRL_PATH_VALIDATION_ERROR,
             X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD, X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
            .crlInvalid
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
             X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_CERT_REJECTED:
            .untrustedRoot
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            // The leaf's own issuer missing is a gap in what was sent; higher up, an unknown CA.
            depth == 0 ? .brokenChain : .unknownIssuer
        case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
             X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
            .badSignature
        case X509_V_ERR_KEYUSAGE_NO_CERTSIGN, X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
            .keyUsage
        case X509_V_ERR_INVALID_CA:
            .basicConstraints
        case X509_V_ERR_PATH_LENGTH_EXCEEDED:
            .pathLength
        default:
            .other(error)
        }
    }

    public var description: String { message }
}
