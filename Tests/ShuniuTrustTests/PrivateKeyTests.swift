import Foundation
import ShuniuCore
import ShuniuTesting
import ShuniuTrust
import Testing

/// The signing side: each CA's org-sign key signs what its certificate verifies.
@Suite("Private keys and certificate request signatures", .testPKIPrepared)
struct PrivateKeyTests {
    static let pki = TestPKI.shared

    @Test("Each test PKI key signs a canonical request that verifies with its certificate, and only that request",
          arguments: ["demo-rsa", "demo-ecdsa", "demo-sm2"])
    func signAndVerify(ca: String) throws {
        let certificate = try X509Certificate(Self.pki.bytes("leaves/\(ca)/org-sign.pem"))
        let key = try PrivateKey(Self.pki.bytes("leaves/\(ca)/org-sign.key"))
        #expect(key.matches(certificate))
        #expect(!key.matches(try X509Certificate(Self.pki.bytes("leaves/\(ca)/person-sign.pem"))))
        let method = try #require(CertificateSignatureMethod(fitting: key.algorithm))
        let signer = CertificateRequestSigner(method: method)
        let body = Array("{\"records\": []}".utf8)
        let request = CanonicalRequest(method: "POST", path: "/api/v1/records", timestamp: "1790000000", nonce: "n-1", bodyDigestHex: signer.bodyDigestHex(body))
        let signature = try signer.sign(request, key: key)
        #expect(try signer.verify(request, presentedBase64: signature, certificate: certificate))
        var other = request
        other.nonce = "n-2"
        #expect(try !signer.verify(other, presentedBase64: signature, certificate: certificate))
        #expect(try !signer.verify(request, presentedBase64: "not base64!", certificate: certificate))
        #expect(!key.description.contains("PRIVATE"))
    }

    @Test("SM2 signs with the distinguishing ID: a signature under one ID does not verify under another")
    func sm2DistinguishingID() throws {
        let certificate = try X509Certificate(Self.pki.bytes("leaves/demo-sm2/org-sign.pem"))
        let key = try PrivateKey(Self.pki.bytes("leaves/demo-sm2/org-sign.key"))
        let data = Array("枢纽".utf8)
        let signature = try key.sign(data, scheme: .sm2Default)
        #expect(try SignatureVerification.verify(signature, over: data, certificate: certificate, scheme: .sm2Default))
        #expect(try !SignatureVerification.verify(signature, over: data, certificate: certificate, scheme: .sm2(distinguishingID: "another-id")))
    }

    @Test("A scheme that does not fit the key, and bytes that are no key, are errors")
    func mistakes() throws {
        let key = try PrivateKey(Self.pki.bytes("leaves/demo-ecdsa/org-sign.key"))
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try key.sign([1, 2, 3], scheme: .rsaPKCS1v15(.sha256)) }
        #expect(throws: TrustError(.malformedKey, "")) { try PrivateKey(Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8)) }
        #expect(throws: TrustError(.malformedKey, "")) { try PrivateKey([0x30, 0x03, 0x02, 0x01, 0x00]) }
    }
}
