import Foundation
import NIOPosix
import ShuniuCore
import ShuniuStore
import ShuniuTrust

extension RequestAuthenticator {
    /// A request signed with a registered certificate's key: the same canonical text, replay
    /// window and nonces as HMAC, `X-Shuniu-Certificate` instead of the app key.
    ///
    /// Order: the registration (unknown → 401), the signature (bad → 401), and only then the
    /// certificate's standing — revoked, expired, no longer recognized (401) or no longer the
    /// operator's (403) — so that what the hub says about a platform goes to whoever holds its
    /// key; then the nonce and the platform's standing, as for HMAC.
    func authenticate(_ request: SignedRequest, signedWith method: CertificateSignatureMethod, now: Date) async throws -> Authenticated {
        guard let presented = request.certificate, !presented.isEmpty,
              let timestamp = request.timestamp, let nonce = request.nonce, !nonce.isEmpty,
              let signature = request.signature, !signature.isEmpty else {
            throw IngestRefusal(.missingCredentials, "a request signed with \(method.rawValue) carries \(SignatureHeader.certificate) (the registered certificate's SHA-256 fingerprint), \(SignatureHeader.timestamp), \(SignatureHeader.nonce), \(SignatureHeader.method) and \(SignatureHeader.signature)")
        }
        guard nonce.count <= 128 else {
            throw IngestRefusal(.missingCredentials, "\(SignatureHeader.nonce) must be at most 128 characters")
        }
        let fingerprint = presented.lowercased()
        guard fingerprint.count == 64, fingerprint.allSatisfy(\.isHexDigit) else {
            throw IngestRefusal(.unknownCertificate, "\(SignatureHeader.certificate) must be the certificate's SHA-256 fingerprint in hex (64 characters)")
        }
        guard let trust else {
            throw IngestRefusal(.unsupportedSignatureMethod, "this hub has no trust list configured, so it takes no certificate signatures; use \(SignatureMethod.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        guard let seconds = Int64(timestamp) else {
            throw IngestRefusal(.timestampOutOfWindow, "\(SignatureHeader.timestamp) must be Unix seconds")
        }
        let skew = abs(now.timeIntervalSince1970 - Double(seconds))
        guard skew <= Double(limits.replayWindowSeconds) else {
            throw IngestRefusal(.timestampOutOfWindow, "timestamp is \(Int(skew)) s from the hub's clock; at most \(limits.replayWindowSeconds) s is accepted")
        }
        guard let (platform, registration) = try await store.certificateInForce(fingerprint: fingerprint) else {
            throw IngestRefusal(.unknownCertificate, "certificate \(fingerprint) is not registered for any platform (or was removed); the hub's operator registers it with shuniu platforms certs add")
        }

        let canonical = CanonicalRequest(
            method: request.method, path: request.path, timestamp: timestamp, nonce: nonce,
            bodyDigestHex: method.bodyDigest.hexHash(request.body)
        )
        let verdicts = self.verdicts
        // Chain verification (on a cache miss) and the signature check block in OpenSSL; SM2 is slow.
        let checked: Result<(CertificateVerdictCache.Entry, Bool), IngestRefusal> = try await NIOThreadPool.singleton.runIfActive {
            switch verdicts.entry(for: registration, trust: trust, at: now) {
            case .failure(let unreadable):
                return .failure(IngestRefusal(.certificateInvalid, "the registered certificate \(fingerprint) cannot be read (\(unreadable.message)); ask the hub's operator to register it again", platform: platform.id))
            case .success(let entry):
                do {
                    return .success((entry, try CertificateRequestSigner(method: method, sm2ID: entry.sm2ID).verify(canonical, presentedBase64: signature, certificate: entry.certificate)))
                } catch {
                    let fitting = CertificateSignatureMethod(fitting: entry.certificate.publicKeyAlgorithm)?.rawValue ?? "none"
                    return .failure(IngestRefusal(.badSignature, "\(method.rawValue) does not fit the certificate's \(entry.certificate.publicKeyAlgorithm) key; sign with \(fitting)"))
                }
            }
        }
        let (entry, signatureHolds) = try checked.get()
        guard signatureHolds else {
            throw IngestRefusal(.badSignature, "the \(method.rawValue) signature does not verify with certificate \(fingerprint); sign METHOD, path, timestamp, nonce and the body's hex digest (\(method.bodyDigest.rawValue)), one per line, and send the signature in base64")
        }
        // From here on the caller holds the key of a certificate registered for this platform.
        if let refusal = Self.refusal(for: entry.verdict, fingerprint: fingerprint, platform: platform) {
            throw refusal
        }
        if let identity = entry.verdict.identity, let mismatch = identity.mismatch(operatorCode: platform.operatorCode) {
            throw IngestRefusal(.certificateHolderMismatch, "certificate \(fingerprint) may not sign for platform \(platform.id): \(mismatch)", platform: platform.id)
        }
        if try await store.isNonceUsed(appKey: platform.appKey, nonce: nonce) {
            throw IngestRefusal(.nonceReused, "nonce \(nonce) was already used within the replay window", platform: platform.id)
        }
        guard platform.status == .active else {
            throw IngestRefusal(.platformSuspended, "platform \(platform.id) is suspended; ask the hub operator to resume it", platform: platform.id)
        }
        guard platform.isCertified(at: now) else {
            throw IngestRefusal(.certificationExpired, "platform \(platform.id)'s certification (检测认证) expired after \(platform.certifiedUntil)", platform: platform.id)
        }
        return Authenticated(platform: platform, appKey: platform.appKey, nonce: nonce, certificate: fingerprint)
    }

    /// The refusal for a certificate that no longer verifies, with every reason; nil when it does.
    static func refusal(for verdict: CertificateVerdict, fingerprint: String, platform: Platform) -> IngestRefusal? {
        guard !verdict.valid else { return nil }
        let codes = Set(verdict.reasonCodes)
        let code: IngestRefusal.Code = codes.contains("revoked") ? .certificateRevoked : codes.contains("expired") ? .certificateExpired : .certificateInvalid
        let reasons = verdict.reasons.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
        return IngestRefusal(code, "certificate \(fingerprint) registered for platform \(platform.id) does not verify now: \(reasons)", platform: platform.id)
    }
}
