import Foundation
import Testing
@testable import ShuniuTrust

@Suite("Raw detached signatures", .testPKIPrepared)
struct SignatureVerificationTests {
    private static let document = Array("<投标文件>第一标段 报价 1,234,567.00 元</投标文件>\n".utf8)

    /// Signs `data` with `openssl dgst` and the given options, returning the signature bytes.
    private func sign(_ data: [UInt8], key: String, options: [String], in pki: ChainTestPKI) throws -> [UInt8] {
        let name = UUID().uuidString
        try pki.write(data, to: "\(name).data")
        try pki.run(["dgst"] + options + ["-sign", key, "-out", "\(name).sig", "\(name).data"])
        return try pki.bytes("\(name).sig")
    }

    private func tampered(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy[copy.count / 2] ^= 0x20
        return copy
    }

    struct RSACase: Sendable, CustomTestStringConvertible {
        var scheme: SignatureScheme
        var options: [String]
        var testDescription: String { scheme.description }
    }

    @Test("RSA PKCS#1 v1.5 and PSS with SHA-256 and SHA-384", arguments: [
        RSACase(scheme: .rsaPKCS1v15(.sha256), options: ["-sha256"]),
        RSACase(scheme: .rsaPKCS1v15(.sha384), options: ["-sha384"]),
        RSACase(scheme: .rsaPSS(.sha256), options: ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]),
        RSACase(scheme: .rsaPSS(.sha384), options: ["-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max"]),
    ])
    func rsa(testCase: RSACase) throws {
        let pki = try ChainTestPKI.get(.rsa)
        let signature = try sign(Self.document, key: "leaf.key", options: testCase.options, in: pki)
        #expect(try SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: testCase.scheme))
        #expect(try !SignatureVerification.verify(tampered(signature), over: Self.document, certificate: pki.leaf, scheme: testCase.scheme))
        #expect(try !SignatureVerification.verify(signature, over: tampered(Self.document), certificate: pki.leaf, scheme: testCase.scheme))
        #expect(try !SignatureVerification.verify(signature, over: Self.document, certificate: pki.encryptionLeaf, scheme: testCase.scheme))
    }

    @Test("PKCS#1 v1.5 and PSS are not interchangeable, nor are the digests")
    func rsaSchemesDiffer() throws {
        let pki = try ChainTestPKI.get(.rsa)
        let signature = try sign(Self.document, key: "leaf.key", options: ["-sha256"], in: pki)
        #expect(try !SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: .rsaPSS(.sha256)))
        #expect(try !SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: .rsaPKCS1v15(.sha384)))
    }

    @Test("ECDSA P-256 with SHA-256 and P-384 with SHA-384")
    func ecdsa() throws {
        let pki = try ChainTestPKI.get(.ecdsa)
        let signature = try sign(Self.document, key: "leaf.key", options: ["-sha256"], in: pki)
        #expect(try SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: .ecdsa(.sha256)))
        #expect(try !SignatureVerification.verify(tampered(signature), over: Self.document, certificate: pki.leaf, scheme: .ecdsa(.sha256)))
        #expect(try !SignatureVerification.verify(signature, over: tampered(Self.document), certificate: pki.leaf, scheme: .ecdsa(.sha256)))
        #expect(try !SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: .ecdsa(.sha384)))

        try pki.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.key"])
        try pki.run(["req", "-x509", "-new", "-key", "p384.key", "-subj", "/CN=P-384 signer", "-days", "30", "-sha384", "-config", "pki.cnf", "-out", "p384.pem"])
        let certificate = try X509Certificate(try pki.bytes("p384.pem"))
        #expect(certificate.publicKeyAlgorithm == .ecdsa(curve: "P-384"))
        let p384 = try sign(Self.document, key: "p384.key", options: ["-sha384"], in: pki)
        #expect(try SignatureVerification.verify(p384, over: Self.document, certificate: certificate, scheme: .ecdsa(.sha384)))
        #expect(try !SignatureVerification.verify(tampered(p384), over: Self.document, certificate: certificate, scheme: .ecdsa(.sha384)))
    }

    @Test("SM2 with SM3 and the distinguishing ID")
    func sm2() throws {
        let pki = try ChainTestPKI.get(.sm2)
        let signature = try sign(Self.document, key: "leaf.key", options: ["-sm3", "-sigopt", "distid:\(SM2.defaultDistinguishingID)"], in: pki)
        #expect(try SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: .sm2Default))
        #expect(try !SignatureVerification.verify(tampered(signature), over: Self.document, certificate: pki.leaf, scheme: .sm2Default))
        #expect(try !SignatureVerification.verify(signature, over: tampered(Self.document), certificate: pki.leaf, scheme: .sm2Default))
        // Z_A covers the ID: another ID is another message.
        #expect(try !SignatureVerification.verify(signature, over: Self.document, certificate: pki.leaf, scheme: .sm2(distinguishingID: "8765432187654321")))
        #expect(try !SignatureVerification.verify(signature, over: Self.document, certificate: pki.revokedLeaf, scheme: .sm2Default))

        let otherID = try sign(Self.document, key: "leaf.key", options: ["-sm3", "-sigopt", "distid:ALICE123@YAHOO.COM"], in: pki)
        #expect(try SignatureVerification.verify(otherID, over: Self.document, certificate: pki.leaf, scheme: .sm2(distinguishingID: "ALICE123@YAHOO.COM")))
        #expect(try !SignatureVerification.verify(otherID, over: Self.document, certificate: pki.leaf, scheme: .sm2Default))
    }

    @Test("A scheme that does not fit the key is a caller error, not a bad signature")
    func mismatchedScheme() throws {
        let rsa = try ChainTestPKI.get(.rsa)
        let sm2 = try ChainTestPKI.get(.sm2)
        let ecdsa = try ChainTestPKI.get(.ecdsa)
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try SignatureVerification.verify([1], over: [], certificate: rsa.leaf, scheme: .sm2Default) }
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try SignatureVerification.verify([1], over: [], certificate: sm2.leaf, scheme: .ecdsa(.sha256)) }
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try SignatureVerification.verify([1], over: [], certificate: ecdsa.leaf, scheme: .rsaPKCS1v15(.sha256)) }
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) { try SignatureVerification.verify([1], over: [], certificate: ecdsa.leaf, scheme: .sm2Default) }
    }

    @Test("Garbage signatures and empty data are simply false")
    func garbage() throws {
        for algorithm in ChainTestPKI.Algorithm.allCases {
            let pki = try ChainTestPKI.get(algorithm)
            let scheme: SignatureScheme = switch algorithm {
            case .rsa: .rsaPKCS1v15(.sha256)
            case .ecdsa: .ecdsa(.sha256)
            case .sm2: .sm2Default
            }
            #expect(try !SignatureVerification.verify([], over: [], certificate: pki.leaf, scheme: scheme))
            #expect(try !SignatureVerification.verify([0x30, 0x00], over: Self.document, certificate: pki.leaf, scheme: scheme))
        }
    }
}
