import COpenSSL

/// The X509_STORE of trust anchors plus the known intermediates and CRLs a ``ChainVerifier``
/// checks against.
///
/// `@unchecked Sendable`: built completely in init and never changed afterwards. X509_STORE
/// lookups take the store's own lock, so many verifications may share it.
final class ChainTrustMaterial: @unchecked Sendable {
    let store: OpaquePointer
    /// The anchors and intermediates as given to OpenSSL (SM2-signed ones are copies carrying the ID).
    let anchors: [X509Certificate]
    let intermediates: [X509Certificate]
    let crls: [X509CRL]
    /// Each certificate handed to OpenSSL → the caller's own object, to report the chain with.
    let originals: [OpaquePointer: X509Certificate]
    let approvals: SM2CRLApprovals

    init(anchors: [X509Certificate], intermediates: [X509Certificate], crls: [X509CRL], distinguishingID: String) throws(TrustError) {
        var originals: [OpaquePointer: X509Certificate] = [:]
        var anchorCopies: [X509Certificate] = []
        for anchor in anchors {
            let copy = try anchor.withDistinguishingID(distinguishingID)
            originals[copy.pointer] = anchor
            anchorCopies.append(copy)
        }
        var intermediateCopies: [X509Certificate] = []
        for intermediate in intermediates {
            let copy = try intermediate.withDistinguishingID(distinguishingID)
            originals[copy.pointer] = intermediate
            intermediateCopies.append(copy)
        }
        guard let store = X509_STORE_new() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate an X509_STORE")
        }
        for anchor in anchorCopies where X509_STORE_add_cert(store, anchor.pointer) != 1 {
            // add_cert took a reference of each certificate added so far; free drops them.
            X509_STORE_free(store)
            throw .fromOpenSSL(.internalFailure, "cannot add trust anchor \(anchor.subject)")
        }
        let approvals = SM2CRLApprovals(distinguishingID: distinguishingID)
        approvals.preverify(crls, issuers: anchorCopies + intermediateCopies)
        self.store = store
        self.anchors = anchorCopies
        self.intermediates = intermediateCopies
        self.crls = crls
        self.originals = originals
        self.approvals = approvals
    }

    deinit {
        X509_STORE_free(store)
    }
}
