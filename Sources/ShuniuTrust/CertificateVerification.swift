import Foundation
import ShuniuCore

/// Verifies certificates the way the hub recognizes them: against the trust list (any recognized
/// CA, RSA, ECDSA or SM2 alike), with each CA's CRLs and stale-CRL policy, its recognition window
/// and allowed key algorithms, and reads the holder's identity by the CA's own rules.
///
/// Build one per trust list and CRL set (verifiers are prepared once); verification blocks, so
/// call it off the cooperative pool.
public struct CertificateVerification: Sendable {
    public let trust: TrustList
    private let verifiers: [String: ChainVerifier]
    /// Every recognized CA's certificates together: to say what is wrong with a chain that
    /// leads to no recognized CA (a missing intermediate, or a foreign root).
    private let everyone: ChainVerifier?
    private let crls: [String: [X509CRL]]
    /// CRLs that no recognized CA's certificate issued: they may be an intermediate's that only
    /// the sender supplies, and are used when such an intermediate is in the chain (OpenSSL then
    /// checks their signature with it).
    private let unassignedCRLs: [X509CRL]
    /// Told about CRL distribution points that no held CRL covers (see ``UncoveredCRLLocation``).
    private let onUncoveredCRL: (@Sendable ([UncoveredCRLLocation]) -> Void)?

    /// `onUncoveredCRL` is called during `verify` (on the verifying thread, so it must be quick)
    /// when a chain that verified up to a recognized CA has a certificate no held CRL covers.
    public init(trust: TrustList, crls given: [X509CRL] = [], onUncoveredCRL: (@Sendable ([UncoveredCRLLocation]) -> Void)? = nil) {
        self.trust = trust
        self.onUncoveredCRL = onUncoveredCRL
        var byCA: [String: [X509CRL]] = [:]
        var unassigned: [X509CRL] = []
        for crl in given {
            let issuer = trust.authorities.lazy.compactMap { authority in
                authority.certificates.first { $0.subject == crl.issuer && crl.verifySignature(issuer: $0, sm2ID: authority.manifest.sm2ID) }
                    .map { _ in authority.id }
            }.first
            if let issuer { byCA[issuer, default: []].append(crl) } else { unassigned.append(crl) }
        }
        var verifiers: [String: ChainVerifier] = [:]
        for authority in trust.authorities {
            let options = ChainVerifier.Options(sm2DistinguishingID: authority.manifest.sm2ID)
            verifiers[authority.id] = try? ChainVerifier(
                anchors: authority.roots, intermediates: authority.intermediates, crls: byCA[authority.id] ?? [], options: options
            )
        }
        self.verifiers = verifiers
        self.crls = byCA
        self.unassignedCRLs = unassigned
        everyone = try? ChainVerifier(
            anchors: trust.authorities.flatMap(\.roots), intermediates: trust.authorities.flatMap(\.intermediates),
            options: ChainVerifier.Options(revocation: ChainVerifier.RevocationCheck.none)
        )
    }

    /// The CRLs held for a CA.
    public func crls(of ca: String) -> [X509CRL] { crls[ca] ?? [] }

    /// Judges `certificate` at `time` as a signer's certificate, with `chain` supplied by the sender.
    public func verify(_ certificate: X509Certificate, chain: [X509Certificate] = [], at time: Date = Date()) -> CertificateVerdict {
        guard let authority = authority(for: certificate, chain: chain), var verifier = verifiers[authority.id] else {
            return unrecognized(certificate, chain: chain, at: time)
        }
        let manifest = authority.manifest
        var reasons: [CertificateVerdict.Reason] = []
        var warnings: [CertificateVerdict.Reason] = []
        var held = crls[authority.id] ?? []
        let ofSupplied = unassignedCRLs.filter { crl in chain.contains { $0.subject == crl.issuer } }
        if !ofSupplied.isEmpty {
            held += ofSupplied
            let options = ChainVerifier.Options(sm2DistinguishingID: manifest.sm2ID)
            verifier = (try? ChainVerifier(anchors: authority.roots, intermediates: authority.intermediates, crls: held, options: options)) ?? verifier
        }
        if held.isEmpty {
            let missing = CertificateVerdict.Reason(code: "crlMissing", message: "no CRL of \(authority.id) is available, so revocation cannot be known (policy: \(manifest.crl.whenStale.rawValue))", depth: nil)
            if manifest.crl.whenStale == .refuse { reasons.append(missing) } else { warnings.append(missing) }
        }
        let verdict = verifier.verify(certificate, untrusted: chain, at: time, purpose: .signing, allowStaleCRL: manifest.crl.whenStale == .warn)
        let chainReasons = verdict.reasons.map(CertificateVerdict.Reason.init)
        // `warn` covers a CRL that was never fetched as well as a stale one (Certs/README.md):
        // a certificate that no held CRL covers is then accepted with a warning.
        let demoted = manifest.crl.whenStale == .warn ? chainReasons.filter { $0.code == "crlMissing" } : []
        reasons += chainReasons.filter { !demoted.contains($0) }
        warnings += verdict.warnings.map(CertificateVerdict.Reason.init) + demoted
        if let onUncoveredCRL, !chainReasons.contains(where: { Self.chainNotProven.contains($0.code) }) {
            let uncovered = Self.uncovered(in: verdict.chain, held: held, ca: authority.id)
            if !uncovered.isEmpty { onUncoveredCRL(uncovered) }
        }

        let day = CalendarDay(time)
        if day < manifest.recognizedSince || manifest.recognizedUntil < day {
            reasons.append(.init(code: "notRecognized", message: "\(authority.id) is recognized from \(manifest.recognizedSince) to \(manifest.recognizedUntil), not on \(day)", depth: 0))
        }
        if let name = Self.keyAlgorithmName(certificate.publicKeyAlgorithm), !manifest.keyAlgorithms.contains(name) {
            reasons.append(.init(code: "keyAlgorithm", message: "\(authority.id) is recognized for \(manifest.keyAlgorithms.map(\.rawValue).joined(separator: ", ")) keys, not \(certificate.publicKeyAlgorithm)", depth: 0))
        } else if Self.keyAlgorithmName(certificate.publicKeyAlgorithm) == nil {
            reasons.append(.init(code: "keyAlgorithm", message: "\(certificate.publicKeyAlgorithm) keys are not recognized", depth: 0))
        }
        var identity: HolderIdentity?
        switch IdentityExtractor(authority: authority).identity(of: certificate) {
        case .success(let found): identity = found
        case .failure(let failure): reasons.append(.init(code: "identity", message: failure.description, depth: 0))
        }
        return CertificateVerdict(
            valid: reasons.isEmpty, reasons: reasons, warnings: warnings, ca: .init(id: authority.id, name: manifest.name),
            identity: identity, chain: verdict.chain.map(CertificateVerdict.ChainEntry.init), at: time,
            revocationEvidence: held.map { "\($0.issuer) thisUpdate \(Self.iso($0.thisUpdate))\($0.nextUpdate.map { " nextUpdate \(Self.iso($0))" } ?? "")" }
        )
    }

    /// Reasons that leave the chain unproven: its CRL locations are not worth fetching (anyone
    /// can put any URL in a certificate that does not chain to a recognized CA).
    static let chainNotProven: Set<String> = ["brokenChain", "unknownCA", "badSignature"]

    /// The CRL distribution points of the chain's certificates (below the root) whose issuer
    /// has no CRL among `held`, each with the certificate that would sign that CRL.
    static func uncovered(in chain: [X509Certificate], held: [X509CRL], ca: String) -> [UncoveredCRLLocation] {
        var found: [UncoveredCRLLocation] = []
        for (index, certificate) in chain.enumerated() where index + 1 < chain.count && !certificate.isSelfSigned {
            guard !held.contains(where: { $0.issuer == certificate.issuer }) else { continue }
            for url in certificate.crlDistributionPointURLs where url.hasPrefix("http://") || url.hasPrefix("https://") {
                found.append(UncoveredCRLLocation(ca: ca, url: url, issuer: chain[index + 1]))
            }
        }
        return found
    }

    /// The recognized CA whose certificates issued this one, following the issuer names through
    /// the certificates the sender supplied.
    public func authority(for certificate: X509Certificate, chain: [X509Certificate]) -> RecognizedCA? {
        var issuer = certificate.issuer
        for _ in 0...chain.count {
            if let authority = trust.authorities.first(where: { $0.certificates.contains { $0.subject == issuer } }) { return authority }
            guard let next = chain.first(where: { $0.subject == issuer && !$0.isSelfSigned }) else { return nil }
            issuer = next.issuer
        }
        return nil
    }

    private func unrecognized(_ certificate: X509Certificate, chain: [X509Certificate], at time: Date) -> CertificateVerdict {
        var reasons = everyone.map { $0.verify(certificate, untrusted: chain, at: time, purpose: .signing).reasons.map(CertificateVerdict.Reason.init) } ?? []
        // A chain to no recognized CA is refused for that, whatever else OpenSSL says about it.
        if !reasons.contains(where: { $0.code == "unknownCA" || $0.code == "brokenChain" }) {
            reasons.insert(.init(code: "unknownCA", message: "issuer \(certificate.issuer) is not a recognized CA", depth: 0), at: 0)
        }
        return CertificateVerdict(
            valid: false, reasons: reasons, warnings: [], ca: nil, identity: nil,
            chain: ([certificate] + chain).map(CertificateVerdict.ChainEntry.init), at: time, revocationEvidence: []
        )
    }

    static func keyAlgorithmName(_ algorithm: PublicKeyAlgorithm) -> CAManifest.KeyAlgorithmName? {
        switch algorithm {
        case .rsa: .rsa
        case .sm2: .sm2
        case .ecdsa(let curve) where curve == "P-256": .ecdsaP256
        case .ecdsa(let curve) where curve == "P-384": .ecdsaP384
        default: nil
        }
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
