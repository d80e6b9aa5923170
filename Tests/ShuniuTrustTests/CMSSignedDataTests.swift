import Foundation
import Testing
@testable import ShuniuTrust

@Suite("CMS / PKCS#7 detached signatures", .testPKIPrepared)
struct CMSSignedDataTests {
    private static let content = Array("批次 2024-000123：中标结果公告\r\n(binary-safe: CRLF kept)\n".utf8)

    /// Signs `content` detached with `openssl cms` (or `smime` for PKCS#7) as the PKI's leaf.
    private func sign(_ pki: ChainTestPKI, command: String = "cms", outform: String = "DER", extra: [String] = []) throws -> [UInt8] {
        let name = UUID().uuidString
        try pki.write(Self.content, to: "\(name).txt")
        try pki.run([command, "-sign", "-binary", "-in", "\(name).txt", "-signer", "leaf.pem", "-inkey", "leaf.key",
                     "-md", "sha256", "-outform", outform, "-out", "\(name).p7s"] + extra)
        return try pki.bytes("\(name).p7s")
    }

    @Test("A detached CMS signature verifies and names its signer", arguments: [ChainTestPKI.Algorithm.rsa, .ecdsa])
    func valid(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let signed = try CMSSignedData(try sign(pki))
        let signers = try signed.verifyDetached(content: Self.content)
        #expect(signers.map(\.der) == [pki.leaf.der])
        #expect(signed.certificates.map(\.der) == [pki.leaf.der])
        // The signer is then chain-verified by the caller.
        let verifier = try ChainVerifier(anchors: [pki.root], intermediates: [pki.intermediate])
        #expect(try verifier.verify(#require(signers.first), purpose: .signing).isValid)
    }

    @Test("Changed content or a changed signature is refused", arguments: [ChainTestPKI.Algorithm.rsa, .ecdsa])
    func tampered(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let der = try sign(pki)
        let signed = try CMSSignedData(der)
        var content = Self.content
        content[3] ^= 0x01
        #expect(throws: TrustError(.signatureInvalid, "")) { try signed.verifyDetached(content: content) }
        // CMS_BINARY: CRLF is content, not line endings to normalise.
        let unixLines = Array(String(decoding: Self.content, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        #expect(throws: TrustError(.signatureInvalid, "")) { try signed.verifyDetached(content: unixLines) }
        #expect(throws: TrustError(.signatureInvalid, "")) { try signed.verifyDetached(content: []) }
        // The signature value is the last thing in the DER.
        var broken = der
        broken[broken.count - 2] ^= 0x01
        #expect(throws: TrustError(.signatureInvalid, "")) { try CMSSignedData(broken).verifyDetached(content: Self.content) }
    }

    @Test("PKCS#7 in PEM, and a signer certificate supplied separately")
    func pkcs7AndSuppliedSigner() throws {
        let pki = try ChainTestPKI.get(.rsa)
        let pem = try sign(pki, command: "smime", outform: "PEM")
        #expect(String(decoding: pem, as: UTF8.self).contains("BEGIN PKCS7"))
        #expect(try CMSSignedData(pem).verifyDetached(content: Self.content).map(\.der) == [pki.leaf.der])

        let bare = try CMSSignedData(try sign(pki, extra: ["-nocerts"]))
        #expect(bare.certificates.isEmpty)
        #expect(throws: TrustError(.signatureInvalid, "")) { try bare.verifyDetached(content: Self.content) }
        #expect(try bare.verifyDetached(content: Self.content, extraCertificates: [pki.encryptionLeaf, pki.leaf]).map(\.der) == [pki.leaf.der])
    }

    @Test("Bytes that are not SignedData are refused")
    func malformed() throws {
        #expect(throws: TrustError(.malformedSignedData, "")) { try CMSSignedData([]) }
        #expect(throws: TrustError(.malformedSignedData, "")) { try CMSSignedData(Array("garbage".utf8)) }
        let pki = try ChainTestPKI.get(.rsa)
        #expect(throws: TrustError(.malformedSignedData, "")) { try CMSSignedData(pki.leaf.der) }
    }
}
