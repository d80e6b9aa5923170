import Foundation
import ShuniuAuth
import ShuniuCore
import ShuniuTesting
import ShuniuTrust
import Testing

/// The one signer every sender uses against the one verifier the hub uses: real OpenSSL, every
/// method, targets with queries, percent-encoding and non-ASCII paths.
@Suite("Request signing: one signer, one verifier", .testPKIPrepared)
struct RequestSigningTests {
    static let pki = TestPKI.shared
    static let now = Date()
    static let credential = PlatformCredential(appKey: "ak-signing", secret: "s3cret-signing")

    /// URLs as a sender holds them, and the request target each goes on the wire as.
    static let targets: [(url: String, target: String)] = [
        ("/api/v1/feed?after=0&datasets=500,501", "/api/v1/feed?after=0&datasets=500,501"),
        ("http://127.0.0.1:8480/api/v1/feed?after=0&datasets=500,501", "/api/v1/feed?after=0&datasets=500,501"),
        ("https://hub.example.cn/api/v1/records/500/E4201%2F0001/versions", "/api/v1/records/500/E4201%2F0001/versions"),
        ("http://127.0.0.1:9/api/v1/records/500/%E4%B8%AD%E6%96%87?q=%E4%B8%AD#ignored", "/api/v1/records/500/%E4%B8%AD%E6%96%87?q=%E4%B8%AD"),
        ("http://127.0.0.1:9/档案/中文?名称=枢纽", "/档案/中文?名称=枢纽"),
        ("http://127.0.0.1:9", "/"),
        ("http://127.0.0.1:9?tenant=4201", "/?tenant=4201"),
        ("", "/"),
    ]

    /// The request as the hub reads it off the wire: the target as sent and the headers.
    static func received(_ method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) -> SignedRequest {
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        return SignedRequest(
            method: method, path: target, appKey: header(SignatureHeader.appKey), timestamp: header(SignatureHeader.timestamp),
            nonce: header(SignatureHeader.nonce), signatureMethod: header(SignatureHeader.method), signature: header(SignatureHeader.signature),
            body: body, address: "127.0.0.1", certificate: header(SignatureHeader.certificate)
        )
    }

    /// Verifies an HMAC-signed request as the hub does; the refusal's code when it fails.
    static func verifyHMAC(_ request: SignedRequest, secret: String) -> AuthRefusal.Code? {
        let check = RequestSignatureCheck(replayWindowSeconds: 300, trust: nil)
        do {
            let presented = try check.presented(request, now: now)
            guard case .appKey(_, let method) = presented.credential else { return .missingCredentials }
            try check.verifyHMAC(request, presented, method: method, secret: secret)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("The request target is the path (/ when empty) and ?query as sent, percent-encoding kept", arguments: targets)
    func requestTarget(url: String, target: String) {
        #expect(RequestSigning.requestTarget(of: url) == target)
    }

    @Test("HMAC signatures verify for the target as sent, and not for any other", arguments: SignatureMethod.allCases, targets)
    func hmacRoundTrip(method: SignatureMethod, pair: (url: String, target: String)) throws {
        let body = Array(#"{"records": [{"dataset": "500", "data": {"PROJECT_NAME": "枢纽"}}]}"#.utf8)
        let signing = RequestSigning(.hmac(Self.credential, method), clock: { Self.now }, nonces: { "nonce-\(method.rawValue)" })
        let headers = try signing.headers(method: "POST", url: pair.url, body: body)
        #expect(headers.first { $0.name == SignatureHeader.method }?.value == method.rawValue)
        #expect(headers.first { $0.name == SignatureHeader.nonce }?.value == "nonce-\(method.rawValue)")

        #expect(Self.verifyHMAC(Self.received("POST", target: pair.target, headers: headers, body: body), secret: Self.credential.secret) == nil)
        // Another target (the query dropped or added, the encoding changed), secret or body fails.
        let other = pair.target.contains("?") ? String(pair.target.prefix { $0 != "?" }) : pair.target + "?x=1"
        #expect(Self.verifyHMAC(Self.received("POST", target: other, headers: headers, body: body), secret: Self.credential.secret) == .badSignature)
        if pair.target.contains("%") {
            let decoded = try #require(pair.target.removingPercentEncoding)
            #expect(Self.verifyHMAC(Self.received("POST", target: decoded, headers: headers, body: body), secret: Self.credential.secret) == .badSignature)
        }
        #expect(Self.verifyHMAC(Self.received("POST", target: pair.target, headers: headers, body: body), secret: "guessed") == .badSignature)
        #expect(Self.verifyHMAC(Self.received("POST", target: pair.target, headers: headers, body: body + [0x20]), secret: Self.credential.secret) == .badSignature)
    }

    @Test("A method's name is matched exactly: hmac-sha256 is not HMAC-SHA256", arguments: ["hmac-sha256", "Hmac-SM3", "sm2-sm3", " HMAC-SHA256"])
    func methodNameExact(name: String) throws {
        let headers = try RequestSigning(.hmac(Self.credential, .hmacSHA256)).headers(method: "GET", url: "/api/v1/feed?after=0", body: [])
            .map { $0.name == SignatureHeader.method ? ($0.name, name) : $0 }
        #expect(Self.verifyHMAC(Self.received("GET", target: "/api/v1/feed?after=0", headers: headers, body: []), secret: Self.credential.secret) == .unsupportedSignatureMethod)
    }

    @Test("Each signature header is bounded: one byte more is refused before anything is looked up", arguments: SignedRequest.maxLengths.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    func headerBounds(name: String, limit: Int) throws {
        let headers = try RequestSigning(.hmac(Self.credential, .hmacSHA256)).headers(method: "GET", url: "/api/v1/feed", body: [])
        let padded = headers.map { $0.name == name ? ($0.name, String(repeating: "a", count: limit + 1)) : $0 }
            + (headers.contains { $0.name == name } ? [] : [(name: name, value: String(repeating: "a", count: limit + 1))])
        let request = Self.received("GET", target: "/api/v1/feed", headers: padded, body: [])
        #expect(request.oversizedHeaders == [name])
        let check = RequestSignatureCheck(replayWindowSeconds: 300, trust: nil)
        do {
            _ = try check.presented(request, now: Self.now)
            Issue.record("an oversized \(name) was taken")
        } catch {
            #expect(error.code == .headerTooLong)
            #expect(error.message.contains(name) && error.message.count < 200 && !error.message.contains("aaaa"))
        }
        let atBound = headers.map { $0.name == name ? ($0.name, String(repeating: "a", count: limit)) : $0 }
        #expect(Self.received("GET", target: "/api/v1/feed", headers: atBound, body: []).oversizedHeaders.isEmpty)
    }

    @Test("Certificate signatures verify for the target as sent, and not for any other", arguments: ["demo-rsa", "demo-ecdsa", "demo-sm2"])
    func certificateRoundTrip(ca: String) async throws {
        let certificate = try X509Certificate(Self.pki.bytes("leaves/\(ca)/org-sign.pem"))
        let key = try PrivateKey(Self.pki.bytes("leaves/\(ca)/org-sign.key"))
        let method = try #require(CertificateSignatureMethod(fitting: key.algorithm))
        let trustList = TrustList.load(directory: Self.pki.trustFolder)
        let sm2ID = trustList.authority(id: ca)?.manifest.sm2ID ?? SM2.defaultDistinguishingID
        let signing = RequestSigning(.certificate(certificate, key, method, sm2ID: sm2ID), clock: { Self.now })
        let url = "http://127.0.0.1:9/api/v1/feed?after=0&datasets=500,501&key=%E4%B8%AD"
        let target = "/api/v1/feed?after=0&datasets=500,501&key=%E4%B8%AD"
        let headers = try signing.headers(method: "GET", url: url, body: [])
        #expect(headers.first { $0.name == SignatureHeader.certificate }?.value == certificate.sha256FingerprintHex)

        let check = RequestSignatureCheck(replayWindowSeconds: 300, trust: TrustState(CertificateVerification(trust: trustList)))
        let registration = CertificateRegistration(
            cacheKey: "test/\(ca)", fingerprint: certificate.sha256FingerprintHex, der: certificate.der, chain: [], ca: ca
        )
        func verify(_ target: String) async throws -> AuthRefusal.Code? {
            let request = Self.received("GET", target: target, headers: headers, body: [])
            do {
                let presented = try check.presented(request, now: Self.now)
                guard case .certificate(_, let presentedMethod) = presented.credential else { return .missingCredentials }
                _ = try await check.verifyCertificate(request, presented, method: presentedMethod, registration: registration, now: Self.now)
                return nil
            } catch let refusal as AuthRefusal {
                return refusal.code
            }
        }
        #expect(try await verify(target) == nil)
        #expect(try await verify("/api/v1/feed?after=0&datasets=500,501") == .badSignature)
        #expect(try await verify("/api/v1/feed?after=0&datasets=500,501&key=中") == .badSignature)
    }

    @Test("An unknown app key, an unknown certificate and a bad signature are answered alike")
    func undisclosedAnswers() {
        let answers = [AuthRefusal.Code.unknownAppKey, .unknownCertificate, .badSignature].map { AuthRefusal($0, "operator detail for \($0.rawValue)").answered }
        #expect(Set(answers.map(\.code)) == [.badSignature])
        #expect(Set(answers.map(\.message)) == [AuthRefusal.badSignatureAnswer])
        let other = AuthRefusal(.timestampOutOfWindow, "timestamp is 400 s from the hub's clock")
        #expect(other.answered == other)
    }
}
