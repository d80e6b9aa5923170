import Foundation
import NIOPosix
import ShuniuCore
import ShuniuTrust

/// The checks every signed request gets, whoever signs it (a platform pushing, a consumer
/// reading): the headers are all there, the timestamp is inside the replay window, and the
/// signature verifies — HMAC under a secret, or a registered certificate's key over the same
/// ``CanonicalRequest``. Who the credential belongs to, and its standing, is the caller's part.
public struct RequestSignatureCheck: Sendable {
    /// What the request presents as its credential.
    public enum Credential: Sendable, Hashable {
        case appKey(String, SignatureMethod)
        /// A certificate's SHA-256 fingerprint (lower-case hex) and the method it signs with.
        case certificate(fingerprint: String, CertificateSignatureMethod)
    }

    /// The credential and the signed values of a request whose headers and timestamp are in order.
    public struct Presented: Sendable {
        public var credential: Credential
        public var timestamp: String
        public var nonce: String
        public var signature: String
    }

    let replayWindowSeconds: Int
    /// The trust list and CRLs in force; nil refuses certificate signatures.
    let trust: TrustState?
    let verdicts: CertificateVerdictCache

    public init(replayWindowSeconds: Int, trust: TrustState?, verdictLifetime: TimeInterval = 60) {
        self.replayWindowSeconds = replayWindowSeconds
        self.trust = trust
        self.verdicts = CertificateVerdictCache(lifetime: verdictLifetime)
    }

    /// Reads the signature headers and checks the timestamp window.
    /// Refuses first, before anything is looked up, a request with an oversized signature header.
    /// Method names are matched exactly, as the canonical text is.
    public func presented(_ request: SignedRequest, now: Date) throws(AuthRefusal) -> Presented {
        if let name = request.oversizedHeaders.first {
            throw AuthRefusal(.headerTooLong, "\(name) is longer than \(SignedRequest.maxLengths[name] ?? 0) bytes")
        }
        let credential: Credential
        if let name = request.signatureMethod, let method = CertificateSignatureMethod(rawValue: name) {
            guard let presented = request.certificate, !presented.isEmpty, let timestamp = request.timestamp,
                  let nonce = request.nonce, !nonce.isEmpty, let signature = request.signature, !signature.isEmpty else {
                throw AuthRefusal(.missingCredentials, "a request signed with \(method.rawValue) carries \(SignatureHeader.certificate) (the registered certificate's SHA-256 fingerprint), \(SignatureHeader.timestamp), \(SignatureHeader.nonce), \(SignatureHeader.method) and \(SignatureHeader.signature)")
            }
            let fingerprint = presented.lowercased()
            guard fingerprint.count == 64, fingerprint.allSatisfy(\.isHexDigit) else {
                throw AuthRefusal(.unknownCertificate, "\(SignatureHeader.certificate) must be the certificate's SHA-256 fingerprint in hex (64 characters)")
            }
            guard trust != nil else {
                throw AuthRefusal(.unsupportedSignatureMethod, "this hub has no trust list configured, so it takes no certificate signatures; use \(SignatureMethod.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            credential = .certificate(fingerprint: fingerprint, method)
            return try inWindow(Presented(credential: credential, timestamp: timestamp, nonce: nonce, signature: signature), now: now)
        }
        guard let appKey = request.appKey, !appKey.isEmpty, let timestamp = request.timestamp, let nonce = request.nonce, !nonce.isEmpty,
              let name = request.signatureMethod, let signature = request.signature else {
            throw AuthRefusal(.missingCredentials, "a signed request carries \(SignatureHeader.appKey), \(SignatureHeader.timestamp), \(SignatureHeader.nonce), \(SignatureHeader.method) and \(SignatureHeader.signature) (or, signed with a certificate, \(SignatureHeader.certificate) instead of \(SignatureHeader.appKey))")
        }
        guard let method = SignatureMethod(rawValue: name) else {
            throw AuthRefusal(.unsupportedSignatureMethod, "signature method '\(name)' is not one of \(Self.methodNames)")
        }
        return try inWindow(Presented(credential: .appKey(appKey, method), timestamp: timestamp, nonce: nonce, signature: signature), now: now)
    }

    private func inWindow(_ presented: Presented, now: Date) throws(AuthRefusal) -> Presented {
        guard let seconds = Int64(presented.timestamp) else {
            throw AuthRefusal(.timestampOutOfWindow, "\(SignatureHeader.timestamp) must be Unix seconds")
        }
        let skew = abs(now.timeIntervalSince1970 - Double(seconds))
        guard skew <= Double(replayWindowSeconds) else {
            throw AuthRefusal(.timestampOutOfWindow, "timestamp is \(Int(skew)) s from the hub's clock; at most \(replayWindowSeconds) s is accepted")
        }
        return presented
    }

    /// Checks an HMAC signature under `secret`.
    public func verifyHMAC(_ request: SignedRequest, _ presented: Presented, method: SignatureMethod, secret: String) throws(AuthRefusal) {
        let signer = RequestSigner(method: method)
        let canonical = CanonicalRequest(
            method: request.method, target: request.path, timestamp: presented.timestamp, nonce: presented.nonce,
            body: request.body, digest: MessageAuthenticator(method: method).digest
        )
        guard signer.verify(canonical, secret: secret, presentedHex: presented.signature) else {
            throw AuthRefusal(.badSignature, "the \(method.rawValue) signature does not match the request; sign METHOD, path (with ?query when there is one), timestamp, nonce and the body's hex digest, one per line")
        }
    }

    /// Checks a certificate signature with the registered certificate, and returns the
    /// certificate's verdict now (cached briefly): the caller refuses one that is not valid.
    public func verifyCertificate(
        _ request: SignedRequest, _ presented: Presented, method: CertificateSignatureMethod,
        registration: CertificateRegistration, now: Date
    ) async throws -> CertificateVerdict {
        guard let trust else { throw AuthRefusal(.unsupportedSignatureMethod, "this hub takes no certificate signatures") }
        let canonical = CanonicalRequest(
            method: request.method, target: request.path, timestamp: presented.timestamp, nonce: presented.nonce,
            body: request.body, digest: method.bodyDigest
        )
        let verdicts = self.verdicts
        let signature = presented.signature
        let fingerprint = registration.fingerprint
        // Chain verification (on a cache miss) and the signature check block in OpenSSL; SM2 is slow.
        let checked: Result<(CertificateVerdictCache.Entry, Bool), AuthRefusal> = try await NIOThreadPool.singleton.runIfActive {
            switch verdicts.entry(for: registration, trust: trust, at: now) {
            case .failure(let unreadable):
                return .failure(AuthRefusal(.certificateInvalid, "the registered certificate \(fingerprint) cannot be read (\(unreadable.message)); ask the hub's operator to register it again"))
            case .success(let entry):
                do {
                    return .success((entry, try CertificateRequestSigner(method: method, sm2ID: entry.sm2ID).verify(canonical, presentedBase64: signature, certificate: entry.certificate)))
                } catch {
                    let fitting = CertificateSignatureMethod(fitting: entry.certificate.publicKeyAlgorithm)?.rawValue ?? "none"
                    return .failure(AuthRefusal(.badSignature, "\(method.rawValue) does not fit the certificate's \(entry.certificate.publicKeyAlgorithm) key; sign with \(fitting)"))
                }
            }
        }
        let (entry, signatureHolds) = try checked.get()
        guard signatureHolds else {
            throw AuthRefusal(.badSignature, "the \(method.rawValue) signature does not verify with certificate \(fingerprint); sign METHOD, path (with ?query when there is one), timestamp, nonce and the body's hex digest (\(method.bodyDigest.rawValue)), one per line, and send the signature in base64")
        }
        return entry.verdict
    }

    /// The refusal for a certificate that no longer verifies, with every reason; nil when it does.
    public static func refusal(for verdict: CertificateVerdict, fingerprint: String, holder: String) -> AuthRefusal? {
        guard !verdict.valid else { return nil }
        let codes = Set(verdict.reasonCodes)
        let code: AuthRefusal.Code = codes.contains("revoked") ? .certificateRevoked : codes.contains("expired") ? .certificateExpired : .certificateInvalid
        let reasons = verdict.reasons.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
        return AuthRefusal(code, "certificate \(fingerprint) registered for \(holder) does not verify now: \(reasons)")
    }

    /// Every method the hub takes, for messages.
    static var methodNames: String {
        (SignatureMethod.allCases.map(\.rawValue) + CertificateSignatureMethod.allCases.map(\.rawValue)).joined(separator: ", ")
    }
}
