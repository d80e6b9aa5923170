import Foundation
import ShuniuCore
import ShuniuTrust
import Synchronization

/// Chain verdicts of registered certificates, kept for a short while per registration.
///
/// SM2 chain verification (several SM2 checks and an SM2-signed CRL) costs milliseconds, too much
/// for every request of a busy platform. A verdict is reused only while it is younger than
/// `lifetime`, the certificate has not reached its notAfter, and the trust state is of the same
/// generation — so a new CRL or trust list takes effect on the next request.
final class CertificateVerdictCache: Sendable {
    struct Entry: Sendable {
        var certificate: X509Certificate
        var verdict: CertificateVerdict
        /// The SM2 distinguishing ID of the certificate's CA, for its signatures.
        var sm2ID: String
        var generation: UInt64
        var expires: Date
    }

    let lifetime: TimeInterval
    /// By registration id and fingerprint: a re-registration (perhaps with another chain) is a new entry.
    private let entries = Mutex<[String: Entry]>([:])
    /// More registered certificates than any hub has; past it, expired entries are dropped.
    private let tidyAbove = 4096

    init(lifetime: TimeInterval = 60) {
        self.lifetime = lifetime
    }

    /// The parsed certificate and its verdict at `now`, verified afresh when no cached verdict
    /// may be used. Blocks (OpenSSL): call it off the cooperative pool.
    func entry(for registration: CertificateRegistration, trust: TrustState, at now: Date) -> Result<Entry, CertificateUnreadable> {
        let key = registration.cacheKey
        let (verification, generation) = trust.snapshot()
        if let cached = entries.withLock({ $0[key] }), cached.generation == generation, now < cached.expires {
            return .success(cached)
        }
        let certificate: X509Certificate
        let chain: [X509Certificate]
        do {
            certificate = try X509Certificate(registration.der)
            chain = try registration.chain.map { bytes throws(TrustError) in try X509Certificate(bytes) }
        } catch {
            return .failure(CertificateUnreadable(message: error.description))
        }
        let verdict = verification.verify(certificate, chain: chain, at: now)
        let sm2ID = verification.trust.authority(id: verdict.ca?.id ?? registration.ca)?.manifest.sm2ID ?? SM2.defaultDistinguishingID
        let entry = Entry(certificate: certificate, verdict: verdict, sm2ID: sm2ID, generation: generation, expires: min(now.addingTimeInterval(lifetime), certificate.notAfter))
        entries.withLock { entries in
            if entries.count > tidyAbove { entries = entries.filter { now < $0.value.expires && $0.value.generation == generation } }
            entries[key] = entry
        }
        return .success(entry)
    }

    /// A stored registration whose certificate no longer parses: the store was damaged.
    struct CertificateUnreadable: Error {
        var message: String
    }
}
