import Foundation
import ShuniuAuth
import ShuniuCore
import ShuniuTrust

/// Decides which consumer sent a read: the same headers, canonical text, replay window and
/// signature methods as ingest — HMAC under the consumer's secret, or its registered
/// certificate from any recognized CA — then the nonce and the consumer's standing.
struct ConsumerAuthenticator: Sendable {
    let store: any SharingStore
    let signatures: RequestSignatureCheck

    init(store: any SharingStore, replayWindowSeconds: Int, trust: TrustState?) {
        self.store = store
        self.signatures = RequestSignatureCheck(replayWindowSeconds: replayWindowSeconds, trust: trust)
    }

    struct Authenticated: Sendable {
        var consumer: Consumer
        var nonce: String
        /// The signing certificate's fingerprint; nil for HMAC.
        var certificate: String?
    }

    /// Throws ``ReadRefusal`` with an `auth.*` code (401) or `consumer.suspended` (403).
    func authenticate(_ request: SignedRequest, now: Date) async throws -> Authenticated {
        do {
            let presented = try signatures.presented(request, now: now)
            let consumer: Consumer
            var certificate: String?
            switch presented.credential {
            case .appKey(let appKey, let method):
                guard let (found, secret) = try await store.consumerCredential(appKey: appKey) else {
                    throw AuthRefusal(.unknownAppKey, "app key \(appKey) is not registered for any consumer")
                }
                try signatures.verifyHMAC(request, presented, method: method, secret: secret)
                consumer = found
            case .certificate(let fingerprint, let method):
                guard let found = try await store.consumer(certificateFingerprint: fingerprint), let registered = found.certificate else {
                    throw AuthRefusal(.unknownCertificate, "certificate \(fingerprint) is not registered for any consumer; the hub's operator registers it with shuniu consumers set-certificate")
                }
                let registration = CertificateRegistration(
                    cacheKey: "consumer/\(found.id)/\(fingerprint)", fingerprint: fingerprint, der: registered.der, chain: registered.chain, ca: registered.ca
                )
                let verdict = try await signatures.verifyCertificate(request, presented, method: method, registration: registration, now: now)
                if let refusal = RequestSignatureCheck.refusal(for: verdict, fingerprint: fingerprint, holder: "consumer \(found.id)") {
                    throw refusal
                }
                consumer = found
                certificate = fingerprint
            }
            if try await store.isNonceUsed(appKey: consumer.nonceNamespace, nonce: presented.nonce) {
                throw AuthRefusal(.nonceReused, "nonce \(presented.nonce) was already used within the replay window")
            }
            guard consumer.status == .active else {
                throw ReadRefusal(.consumerSuspended, "consumer \(consumer.id) is suspended; ask the hub's operators to resume it")
            }
            return Authenticated(consumer: consumer, nonce: presented.nonce, certificate: certificate)
        } catch let refusal as AuthRefusal {
            throw ReadRefusal(refusal)
        }
    }
}
