import COpenSSL
import Foundation

/// Builds and verifies a leaf certificate's chain to a trust anchor with OpenSSL, including
/// SM2 chains and SM2-signed CRLs, and reports every problem found.
///
/// Verification blocks (SM2 is slow: ~0.4 ms per signature); call it off the cooperative pool.
public struct ChainVerifier: Sendable {
    /// How revocation is checked.
    public enum RevocationCheck: Sendable, Hashable {
        /// CRLs are ignored.
        case none
        /// Only the leaf must be covered by a CRL.
        case leafOnly
        /// Every certificate of the chain must be covered by a CRL (`CRL_CHECK | CRL_CHECK_ALL`).
        case wholeChain
    }

    /// What the leaf is going to be used for.
    public enum Purpose: Sendable, Hashable {
        /// Any use: only the chain is checked.
        case any
        /// Signing documents or requests: when the leaf has a keyUsage extension it must allow
        /// digitalSignature or nonRepudiation, so an encryption certificate is never a signer.
        case signing
    }

    /// Settings of a verifier.
    ///
    /// - `sm2DistinguishingID` (String, default `1234567812345678`): set on every SM2-signed
    ///   certificate before verification and used for SM2-signed CRLs.
    /// - `revocation` (RevocationCheck?, default nil): nil means `.wholeChain` when CRLs were
    ///   given and `.none` otherwise; `.wholeChain` with no CRLs reports every certificate
    ///   as `crlMissing`.
    /// - `policyCheck` (Bool, default false): RFC 5280 policy processing with anyPolicy as the
    ///   initial set (OpenSSL rejects valid paths without it).
    /// - `extendedCRLSupport` (Bool, default false): indirect CRLs, CRL issuers other than the
    ///   certificate issuer, and delta CRLs.
    public struct Options: Sendable, Hashable {
        public var sm2DistinguishingID: String
        public var revocation: RevocationCheck?
        public var policyCheck: Bool
        public var extendedCRLSupport: Bool

        public init(sm2DistinguishingID: String = SM2.defaultDistinguishingID, revocation: RevocationCheck? = nil, policyCheck: Bool = false, extendedCRLSupport: Bool = false) {
            self.sm2DistinguishingID = sm2DistinguishingID
            self.revocation = revocation
            self.policyCheck = policyCheck
            self.extendedCRLSupport = extendedCRLSupport
        }
    }

    public let options: Options
    private let trust: ChainTrustMaterial

    /// A verifier trusting `anchors` (roots), which may complete chains with the trust list's
    /// known `intermediates` (never trusted by themselves) and checks revocation against `crls`.
    /// Rebuild it when the CRLs change: SM2-signed CRLs are verified here, once.
    public init(anchors: [X509Certificate], intermediates: [X509Certificate] = [], crls: [X509CRL] = [], options: Options = Options()) throws(TrustError) {
        self.options = options
        self.trust = try ChainTrustMaterial(anchors: anchors, intermediates: intermediates, crls: crls, distinguishingID: options.sm2DistinguishingID)
    }

    /// The trust anchors, as given.
    public var anchors: [X509Certificate] { trust.anchors.map { trust.originals[$0.pointer] ?? $0 } }

    /// Verifies `leaf` at `time`, with `untrusted` certificates supplied by the sender to help
    /// build the chain. With `allowStaleCRL`, a CRL past nextUpdate is a warning, not a reason.
    public func verify(_ leaf: X509Certificate, untrusted: [X509Certificate] = [], at time: Date = Date(), purpose: Purpose = .any, allowStaleCRL: Bool = false) -> ChainVerdict {
        do {
            return try verifyChain(leaf, untrusted: untrusted, at: time, purpose: purpose, allowStaleCRL: allowStaleCRL)
        } catch {
            let problem = ChainProblem(code: .other(X509_V_ERR_UNSPECIFIED), message: "verification could not run: \(error)", depth: 0, subject: leaf.subject)
            return ChainVerdict(isValid: false, reasons: [problem], chain: [leaf])
        }
    }

    private func verifyChain(_ leaf: X509Certificate, untrusted: [X509Certificate], at time: Date, purpose: Purpose, allowStaleCRL: Bool) throws(TrustError) -> ChainVerdict {
        let id = options.sm2DistinguishingID
        var originals = trust.originals
        let leafCopy = try leaf.withDistinguishingID(id)
        originals[leafCopy.pointer] = leaf
        var supplied: [X509Certificate] = []
        for certificate in untrusted {
            let copy = try certificate.withDistinguishingID(id)
            originals[copy.pointer] = originals[copy.pointer] ?? certificate
            supplied.append(copy)
        }
        let candidates = supplied + trust.intermediates
        let revocation = options.revocation ?? (trust.crls.isEmpty ? .none : .wholeChain)

        // The stacks borrow pointers that `candidates` and `trust` keep alive; they are freed
        // after the context (defers run last-declared first).
        guard let untrustedStack = shuniu_sk_X509_new_null() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a certificate stack")
        }
        defer { shuniu_sk_X509_free(untrustedStack) }
        for certificate in candidates where shuniu_sk_X509_push(untrustedStack, certificate.pointer) <= 0 {
            throw .fromOpenSSL(.internalFailure, "cannot build the untrusted certificate stack")
        }
        guard let crlStack = shuniu_sk_X509_CRL_new_null() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a CRL stack")
        }
        defer { shuniu_sk_X509_CRL_free(crlStack) }
        if revocation != .none {
            for crl in trust.crls where shuniu_sk_X509_CRL_push(crlStack, crl.pointer) <= 0 {
                throw .fromOpenSSL(.internalFailure, "cannot build the CRL stack")
            }
        }
        guard let context = X509_STORE_CTX_new() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate an X509_STORE_CTX")
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, trust.store, leafCopy.pointer, untrustedStack) == 1 else {
            throw .fromOpenSSL(.internalFailure, "cannot initialise the verification context")
        }
        X509_STORE_CTX_set0_crls(context, crlStack)
        try configure(X509_STORE_CTX_get0_param(context), time: time, revocation: revocation)

        let recorder = ChainVerificationRecorder(allowStaleCRL: allowStaleCRL, crls: trust.crls, approvals: trust.approvals)
        X509_STORE_CTX_set_verify_cb(context, ChainVerificationRecorder.callback)
        let result = withExtendedLifetime((recorder, leafCopy, candidates, trust)) {
            _ = shuniu_x509_store_ctx_set_app_data(context, Unmanaged.passUnretained(recorder).toOpaque())
            return X509_verify_cert(context)
        }
        var reasons = recorder.reasons
        if result != 1, reasons.isEmpty {
            // Failed without telling the callback (internal error): still a reason.
            let error = X509_STORE_CTX_get_error(context)
            reasons.append(ChainProblem(openSSLError: error == X509_V_OK ? X509_V_ERR_UNSPECIFIED : error, depth: Int(X509_STORE_CTX_get_error_depth(context)), subject: leaf.subject))
        }
        OpenSSLErrorQueue.clear()
        let chain = Self.chain(of: context, originals: originals)

        if purpose == .signing, let usage = leaf.keyUsage, !usage.allowsSigning {
            let message = "certificate is not for signing: keyUsage is \(usage.description.isEmpty ? "empty" : usage.description) at depth 0 (\(leaf.subject))"
            reasons.append(ChainProblem(code: .keyUsage, message: message, depth: 0, subject: leaf.subject))
        }
        return ChainVerdict(isValid: result == 1 && reasons.isEmpty, reasons: reasons, warnings: recorder.warnings, chain: chain.isEmpty ? [leaf] : chain)
    }

    /// Sets time, revocation and policy flags on the context's own parameters.
    private func configure(_ param: OpaquePointer?, time: Date, revocation: RevocationCheck) throws(TrustError) {
        guard let param else { throw .fromOpenSSL(.internalFailure, "verification context has no parameters") }
        X509_VERIFY_PARAM_set_time(param, ASN1Conversions.timeT(time))
        // Never X509_V_FLAG_X509_STRICT: Chinese CA certificates with non-critical
        // basicConstraints fail it.
        var flags: Int32 = 0
        switch revocation {
        case .none: break
        case .leafOnly: flags |= X509_V_FLAG_CRL_CHECK
        case .wholeChain: flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL
        }
        if options.extendedCRLSupport {
            flags |= X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_USE_DELTAS
        }
        if options.policyCheck {
            flags |= X509_V_FLAG_POLICY_CHECK
            guard let anyPolicy = OBJ_txt2obj("2.5.29.32.0", 1) else {
                throw .fromOpenSSL(.internalFailure, "cannot create the anyPolicy OID")
            }
            // add0: the parameters own the OID on success only.
            guard X509_VERIFY_PARAM_add0_policy(param, anyPolicy) == 1 else {
                ASN1_OBJECT_free(anyPolicy)
                throw .fromOpenSSL(.internalFailure, "cannot set the initial policy set")
            }
        }
        X509_VERIFY_PARAM_set_flags(param, UInt(flags))
    }

    /// The chain OpenSSL built, as the caller's own certificate objects where it has them.
    private static func chain(of context: OpaquePointer, originals: [OpaquePointer: X509Certificate]) -> [X509Certificate] {
        guard let stack = X509_STORE_CTX_get0_chain(context) else { return [] }
        var chain: [X509Certificate] = []
        for index in 0..<max(0, shuniu_sk_X509_num(stack)) {
            guard let pointer = shuniu_sk_X509_value(stack, index) else { continue }
            if let original = originals[pointer] {
                chain.append(original)
            } else if let wrapped = try? X509Certificate(retaining: pointer) {
                chain.append(wrapped)
            }
        }
        return chain
    }
}
