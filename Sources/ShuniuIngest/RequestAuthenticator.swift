import Foundation
import ShuniuCore
import ShuniuStore
import ShuniuTrust

/// Decides who sent a request: app key (or registered certificate), timestamp window, signature,
/// nonce, then the platform's standing. The signature is checked before anything about the
/// platform is revealed, so an unsigned caller learns nothing but "bad signature".
public struct RequestAuthenticator: Sendable {
    let store: HubStore
    let limits: IngestLimits
    /// The trust list and CRLs in force, for certificate-signed requests; nil refuses those.
    let trust: TrustState?
    let verdicts: CertificateVerdictCache

    public init(store: HubStore, limits: IngestLimits, trust: TrustState? = nil, verdictLifetime: TimeInterval = 60) {
        self.store = store
        self.limits = limits
        self.trust = trust
        self.verdicts = CertificateVerdictCache(lifetime: verdictLifetime)
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
        if let methodName = request.signatureMethod, let method = CertificateSignatureMethod(rawValue: methodName.uppercased()) {
            return try await authenticate(request, signedWith: method, now: now)
        }
        guard let appKey = request.appKey, !appKey.isEmpty,
              let timestamp = request.timestamp, let nonce = request.nonce, !nonce.isEmpty,
              let methodName = request.signatureMethod, let signature = request.signature else {
            throw IngestRefusal(.missingCredentials, "a signed request carries \(SignatureHeader.appKey), \(SignatureHeader.timestamp), \(SignatureHeader.nonce), \(SignatureHeader.method) and \(SignatureHeader.signature) (or, signed with a certificate, \(SignatureHeader.certificate) instead of \(SignatureHeader.appKey))")
        }
        guard nonce.count <= 128 else {
            throw IngestRefusal(.missingCredentials, "\(SignatureHeader.nonce) must be at most 128 characters")
        }
        guard let method = SignatureMethod(rawValue: methodName.uppercased()) else {
            throw IngestRefusal(.unsupportedSignatureMethod, "signature method '\(methodName)' is not one of \(Self.methodNames)")
        }
        guard let seconds = Int64(timestamp) else {
            throw IngestRefusal(.timestampOutOfWindow, "\(SignatureHeader.timestamp) must be Unix seconds")
        }
        let skew = abs(now.timeIntervalSince1970 - Double(seconds))
        guard skew <= Double(limits.replayWindowSeconds) else {
            throw IngestRefusal(.timestampOutOfWindow, "timestamp is \(Int(skew)) s from the hub's clock; at most \(limits.replayWindowSeconds) s is accepted")
        }
        guard let (platform, credential) = try await store.platformCredential(appKey: appKey) else {
            throw IngestRefusal(.unknownAppKey, "app key \(appKey) is not registered")
        }
        let signer = RequestSigner(method: method)
        let canonical = CanonicalRequest(
            method: request.method, path: request.path, timestamp: timestamp, nonce: nonce,
            bodyDigestHex: signer.bodyDigestHex(request.body)
        )
        guard signer.verify(canonical, secret: credential.secret, presentedHex: signature) else {
            throw IngestRefusal(.badSignature, "the \(method.rawValue) signature does not match the request; sign METHOD, path, timestamp, nonce and the body's hex digest, one per line")
        }
        if try await store.isNonceUsed(appKey: appKey, nonce: nonce) {
            throw IngestRefusal(.nonceReused, "nonce \(nonce) was already used within the replay window", platform: platform.id)
        }
        guard platform.status == .active else {
            throw IngestRefusal(.platformSuspended, "platform \(platform.id) is suspended; ask the hub operator to resume it", platform: platform.id)
        }
        guard platform.isCertified(at: now) else {
            throw IngestRefusal(.certificationExpired, "platform \(platform.id)'s certification (检测认证) expired after \(platform.certifiedUntil)", platform: platform.id)
        }
        return Authenticated(platform: platform, appKey: appKey, nonce: nonce)
    }

    /// Every method the hub takes, for messages.
    static var methodNames: String {
        (SignatureMethod.allCases.map(\.rawValue) + CertificateSignatureMethod.allCases.map(\.rawValue)).joined(separator: ", ")
    }
}
