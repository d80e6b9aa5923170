import Foundation
import ShuniuAuth
import ShuniuCore
import ShuniuTrust

/// Decides which platform sent a request: app key (or registered certificate), timestamp window,
/// signature, nonce, then the platform's standing. The signature is checked before anything
/// about the platform is revealed, so an unsigned caller learns nothing but "bad signature".
public struct RequestAuthenticator: Sendable {
    let store: any IngestStore
    let signatures: RequestSignatureCheck

    public init(store: any IngestStore, limits: IngestLimits, trust: TrustState? = nil, verdictLifetime: TimeInterval = 60) {
        self.store = store
        self.signatures = RequestSignatureCheck(replayWindowSeconds: limits.replayWindowSeconds, trust: trust, verdictLifetime: verdictLifetime)
    }

    /// A caller that proved it holds a platform's secret or a registered certificate's key.
    public struct Authenticated: Sendable {
        public var platform: Platform
        /// The nonce's namespace: the platform's app key, whichever way the request was signed.
        public var appKey: String
        public var nonce: String
        /// The signing certificate's fingerprint; nil for HMAC.
        public var certificate: String? = nil
    }

    public func authenticate(_ request: SignedRequest, now: Date) async throws -> Authenticated {
        do {
            return try await authenticated(request, now: now)
        } catch let refusal as AuthRefusal {
            throw IngestRefusal(refusal)
        }
    }

    private func authenticated(_ request: SignedRequest, now: Date) async throws -> Authenticated {
        let presented = try signatures.presented(request, now: now)
        let platform: Platform
        var certificate: String?
        switch presented.credential {
        case .appKey(let appKey, let method):
            guard let (found, credential) = try await store.platformCredential(appKey: appKey) else {
                throw IngestRefusal(.unknownAppKey, "app key \(appKey) is not registered")
            }
            try signatures.verifyHMAC(request, presented, method: method, secret: credential.secret)
            platform = found
        case .certificate(let fingerprint, let method):
            platform = try await authenticate(request, presented, fingerprint: fingerprint, method: method, now: now)
            certificate = fingerprint
        }
        if try await store.isNonceUsed(appKey: platform.appKey, nonce: presented.nonce) {
            throw IngestRefusal(.nonceReused, "nonce \(presented.nonce) was already used within the replay window", platform: platform.id)
        }
        guard platform.status == .active else {
            throw IngestRefusal(.platformSuspended, "platform \(platform.id) is suspended; ask the hub operator to resume it", platform: platform.id)
        }
        guard platform.isCertified(at: now) else {
            throw IngestRefusal(.certificationExpired, "platform \(platform.id)'s certification (检测认证) expired after \(platform.certifiedUntil)", platform: platform.id)
        }
        return Authenticated(platform: platform, appKey: platform.appKey, nonce: presented.nonce, certificate: certificate)
    }

    /// A request signed with a registered certificate's key. Order: the registration
    /// (unknown → 401), the signature (bad → 401), and only then the certificate's standing —
    /// revoked, expired, no longer recognized (401) or no longer the operator's (403) — so that
    /// what the hub says about a platform goes to whoever holds its key.
    private func authenticate(
        _ request: SignedRequest, _ presented: RequestSignatureCheck.Presented, fingerprint: String,
        method: CertificateSignatureMethod, now: Date
    ) async throws -> Platform {
        guard let (platform, registration) = try await store.certificateInForce(fingerprint: fingerprint) else {
            throw IngestRefusal(.unknownCertificate, "certificate \(fingerprint) is not registered for any platform (or was removed); the hub's operator registers it with shuniu platforms certs add")
        }
        let verdict = try await signatures.verifyCertificate(request, presented, method: method, registration: CertificateRegistration(registration), now: now)
        // From here on the caller holds the key of a certificate registered for this platform.
        if let refusal = RequestSignatureCheck.refusal(for: verdict, fingerprint: fingerprint, holder: "platform \(platform.id)") {
            throw IngestRefusal(refusal, platform: platform.id)
        }
        if let identity = verdict.identity, let mismatch = identity.mismatch(operatorCode: platform.operatorCode) {
            throw IngestRefusal(.certificateHolderMismatch, "certificate \(fingerprint) may not sign for platform \(platform.id): \(mismatch)", platform: platform.id)
        }
        return platform
    }
}
