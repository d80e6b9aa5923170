import COpenSSL

/// What one X509_verify_cert run reports through its callback.
///
/// Lives for one verification on one thread; the C callback reaches it through the store
/// context's app data.
final class ChainVerificationRecorder {
    private(set) var reasons: [ChainProblem] = []
    private(set) var warnings: [ChainProblem] = []
    private let allowStaleCRL: Bool
    private let crls: [X509CRL]
    private let approvals: SM2CRLApprovals
    /// The CRL of the last callback that named one. OpenSSL reports a stale (or not yet valid)
    /// CRL just before checking its signature and clears `current_crl` in between, so the
    /// signature failure that follows is about this CRL.
    private var lastCRL: OpaquePointer?

    init(allowStaleCRL: Bool, crls: [X509CRL], approvals: SM2CRLApprovals) {
        self.allowStaleCRL = allowStaleCRL
        self.crls = crls
        self.approvals = approvals
    }

    /// The verify callback's decision: 1 to go on, 0 to stop. Records every error and goes on
    /// wherever OpenSSL can still check the rest, so the caller sees all reasons at once.
    func handle(ok: Int32, context: OpaquePointer) -> Int32 {
        if let crl = X509_STORE_CTX_get0_current_crl(context) { lastCRL = crl }
        if ok == 1 { return 1 }
        let error = X509_STORE_CTX_get_error(context)
        let depth = Int(X509_STORE_CTX_get_error_depth(context))
        let subject = X509_STORE_CTX_get_current_cert(context).map { ASN1Conversions.oneLine(X509_get_subject_name($0)) }

        if error == X509_V_ERR_CRL_SIGNATURE_FAILURE, approvesSM2CRL(in: context) {
            X509_STORE_CTX_set_error(context, X509_V_OK)
            return 1
        }
        let problem = ChainProblem(openSSLError: error, depth: depth, subject: subject)
        if error == X509_V_ERR_CRL_HAS_EXPIRED, allowStaleCRL {
            warnings.append(problem)
            return 1
        }
        reasons.append(problem)
        switch error {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
             X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_OUT_OF_MEM:
            // No chain to a trust anchor: checking validity or revocation of certificates we
            // cannot place would only add noise.
            return 0
        default:
            return 1
        }
    }

    /// True when the CRL OpenSSL failed to verify is one of ours, SM2-signed, and verified here
    /// with the key of the issuer OpenSSL picked for it.
    private func approvesSM2CRL(in context: OpaquePointer) -> Bool {
        guard let current = X509_STORE_CTX_get0_current_crl(context) ?? lastCRL,
              let crl = crls.first(where: { $0.pointer == current }), crl.isSM2Signed,
              let issuer = X509_STORE_CTX_get0_current_issuer(context),
              let key = X509_get0_pubkey(issuer) else { return false }
        return approvals.approves(crl, issuerKey: key)
    }

    /// The callback OpenSSL calls; a C function pointer, so it captures nothing and finds the
    /// recorder through the context's app data.
    static let callback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { ok, context in
        guard let context, let data = shuniu_x509_store_ctx_get_app_data(context) else { return ok }
        // Unretained: ChainVerifier.verify keeps the recorder alive across X509_verify_cert.
        let recorder = Unmanaged<ChainVerificationRecorder>.fromOpaque(data).takeUnretainedValue()
        return recorder.handle(ok: ok, context: context)
    }
}
