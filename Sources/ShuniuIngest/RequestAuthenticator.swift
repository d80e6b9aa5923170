import Foundation
import ShuniuCore
import ShuniuStore
import ShuniuTrust

/// Decides who sent a request: app key, timestamp window, signature, nonce, then the
/// platform's standing. The signature is checked before anything about the platform is
/// revealed, so an unsigned caller learns nothing but "bad signature".
public struct RequestAuthenticator: Sendable {
    let store: HubStore
    let limits: IngestLimits

    public init(store: HubStore, limits: IngestLimits) {
        self.store = store
        self.limits = limits
    }

    /// A caller that proved it holds a platform's secret.
    public struct Authenticated: Sendable {
        public var platform: Platform
        public var appKey: String
        public var nonce: String
    }

    public func authenticate(_ request: SignedRequest, now: Date) async throws -> Authenticated {
        guard let appKey = request.appKey, !appKey.isEmpty,
              let timestamp = request.timestamp, let nonce = request.nonce, !nonce.isEmpty,
              let methodName = request.signatureMethod, let signature = request.signature else {
            throw IngestRefusal(.missingCredentials, "a signed request carries \(SignatureHeader.appKey), \(SignatureHeader.timestamp), \(SignatureHeader.nonce), \(SignatureHeader.method) and \(SignatureHeader.signature)")
        }
        guard nonce.count <= 128 else {
            throw IngestRefusal(.missingCredentials, "\(SignatureHeader.nonce) must be at most 128 characters")
        }
        guard let method = SignatureMethod(rawValue: methodName.uppercased()) else {
            throw IngestRefusal(.unsupportedSignatureMethod, "signature method '\(methodName)' is not one of \(SignatureMethod.allCases.map(\.rawValue).joined(separator: ", "))")
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
}
