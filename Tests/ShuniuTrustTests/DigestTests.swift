import ShuniuCore
import Testing
@testable import ShuniuTrust

@Suite("Digests and HMACs through OpenSSL")
struct DigestTests {
    @Test("SHA-256 of \"abc\" is the FIPS 180-2 vector")
    func sha256Vector() {
        #expect(DigestAlgorithm.sha256.hexHash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("SM3 of \"abc\" is the GB/T 32905 vector")
    func sm3Vector() {
        #expect(DigestAlgorithm.sm3.hexHash(Array("abc".utf8)) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    @Test("HMAC-SHA256 matches RFC 4231 test case 2")
    func hmacSHA256Vector() {
        let mac = MessageAuthenticator(digest: .sha256).hexCode(key: "Jefe", message: "what do ya want for nothing?")
        #expect(mac == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("HMAC-SM3 matches HMAC built by hand from the SM3 primitive")
    func hmacSM3Vector() {
        // Reference: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) with a separate SM3 implementation.
        let mac = MessageAuthenticator(digest: .sm3).hexCode(key: "key", message: "The quick brown fox jumps over the lazy dog")
        #expect(mac == "bd4a34077888162b210645b8ebf74b9af357303789357a27c7fc457244ebd398")
    }

    @Test("A signature verifies only for the exact request, secret and method", arguments: SignatureMethod.allCases)
    func signatureBindsEveryPart(method: SignatureMethod) {
        let signer = RequestSigner(method: method)
        let body = Array(#"{"records":[]}"#.utf8)
        let request = CanonicalRequest(method: "POST", path: "/api/v1/records", timestamp: "1700000000", nonce: "n-1", bodyDigestHex: signer.bodyDigestHex(body))
        let signature = signer.sign(request, secret: "s3cret")
        #expect(signer.verify(request, secret: "s3cret", presentedHex: signature))
        #expect(signer.verify(request, secret: "s3cret", presentedHex: signature.uppercased()))
        #expect(!signer.verify(request, secret: "other", presentedHex: signature))
        var changed = request
        changed.nonce = "n-2"
        #expect(!signer.verify(changed, secret: "s3cret", presentedHex: signature))
        changed = request
        changed.bodyDigestHex = signer.bodyDigestHex(Array(#"{"records":[1]}"#.utf8))
        #expect(!signer.verify(changed, secret: "s3cret", presentedHex: signature))
        #expect(!signer.verify(request, secret: "s3cret", presentedHex: "not hex"))
        let otherMethod = RequestSigner(method: method == .hmacSM3 ? .hmacSHA256 : .hmacSM3)
        #expect(!otherMethod.verify(request, secret: "s3cret", presentedHex: signature))
    }

    @Test("Constant-time comparison tells equal from unequal and different lengths")
    func constantTimeEquals() {
        #expect(MessageAuthenticator.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!MessageAuthenticator.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!MessageAuthenticator.constantTimeEquals([1, 2, 3], [1, 2]))
    }
}
