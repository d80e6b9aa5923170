import Foundation
import Testing
@testable import ShuniuTrust

@Suite("X.509 certificates", .testPKIPrepared)
struct X509CertificateTests {
    @Test("PEM and DER parse to the same certificate", arguments: ChainTestPKI.Algorithm.allCases)
    func pemAndDER(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let fromPEM = try X509Certificate(try pki.bytes("leaf.pem"))
        let fromDER = try X509Certificate(fromPEM.der)
        #expect(fromDER.der == fromPEM.der)
        #expect(fromDER.sha256FingerprintHex == fromPEM.sha256FingerprintHex)
        #expect(fromPEM.sha256Fingerprint.count == 32)
    }

    @Test("Garbage, empty input and DER with trailing bytes are refused with a typed error")
    func malformed() throws {
        let pki = try ChainTestPKI.get(.rsa)
        #expect(throws: TrustError(.malformedCertificate, "")) { try X509Certificate([]) }
        #expect(throws: TrustError(.malformedCertificate, "")) { try X509Certificate(Array("hello".utf8)) }
        #expect(throws: TrustError(.malformedCertificate, "")) { try X509Certificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") }
        #expect(throws: TrustError(.malformedCertificate, "")) { try X509Certificate(pki.leaf.der + [0]) }
        #expect(throws: TrustError(.malformedCertificate, "")) { try X509Certificate(Array(pki.leaf.der.dropLast(10))) }
        do {
            _ = try X509Certificate(Array("not a certificate".utf8))
        } catch {
            #expect(error.message.contains("DER"))
        }
    }

    @Test("A PEM bundle yields every certificate in order; a bad block fails the bundle")
    func bundle() throws {
        let pki = try ChainTestPKI.get(.sm2)
        let text = try ["leaf.pem", "int.pem", "root.pem"].map { String(decoding: try pki.bytes($0), as: UTF8.self) }.joined(separator: "\n")
        let certificates = try X509Certificate.bundle(pem: "comment line\n" + text)
        #expect(certificates.map(\.der) == [pki.leaf.der, pki.intermediate.der, pki.root.der])
        #expect(try X509Certificate.bundle(pki.leaf.der).count == 1)
        #expect(throws: TrustError(.malformedCertificate, "")) {
            try X509Certificate.bundle(pem: text + "\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        }
        #expect(throws: TrustError(.malformedCertificate, "")) { try X509Certificate.bundle(pem: "no certificates here") }
    }

    @Test("Names, serial, validity and subject attributes read as UTF-8")
    func namesAndAttributes() throws {
        let pki = try ChainTestPKI.get(.sm2)
        let leaf = pki.leaf
        #expect(leaf.subject == "C = CN, O = 测试招标代理有限公司, OU = 91330000MA27XL0E2B, CN = 张三, serialNumber = 91330000MA27XL0E2B")
        #expect(leaf.issuer == "C = CN, O = Shuniu Test SM2, CN = Shuniu Test SM2 Intermediate")
        #expect(leaf.serialHex == "1001")
        #expect(leaf.subjectValues("CN") == ["张三"])
        #expect(leaf.subjectValues("O") == ["测试招标代理有限公司"])
        #expect(leaf.subjectValues("SERIALNUMBER") == ["91330000MA27XL0E2B"])
        #expect(leaf.subjectValues("serialNumber") == ["91330000MA27XL0E2B"])
        #expect(leaf.subjectValues("2.5.4.5") == ["91330000MA27XL0E2B"])
        #expect(leaf.subjectValues("2.5.4.11") == ["91330000MA27XL0E2B"])
        #expect(leaf.subjectValues("2.5.4.97").isEmpty)
        #expect(leaf.subjectValues("no-such-attribute").isEmpty)
        #expect(leaf.notBefore <= Date() && Date() < leaf.notAfter)
        #expect(leaf.notAfter.timeIntervalSince(leaf.notBefore) == 365 * 86400)
    }

    @Test("Key algorithm, key usage, basic constraints and CRL distribution points", arguments: ChainTestPKI.Algorithm.allCases)
    func extensions(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        switch algorithm {
        case .rsa: #expect(pki.leaf.publicKeyAlgorithm == .rsa(bits: 2048))
        case .ecdsa: #expect(pki.leaf.publicKeyAlgorithm == .ecdsa(curve: "P-256"))
        case .sm2: #expect(pki.leaf.publicKeyAlgorithm == .sm2)
        }
        #expect(pki.leaf.isSM2Signed == (algorithm == .sm2))
        #expect(pki.leaf.keyUsage == [.digitalSignature, .nonRepudiation])
        #expect(pki.leaf.keyUsage?.allowsSigning == true)
        #expect(pki.encryptionLeaf.keyUsage == [.keyEncipherment, .dataEncipherment, .keyAgreement])
        #expect(pki.encryptionLeaf.keyUsage?.allowsSigning == false)
        #expect(pki.root.keyUsage == [.keyCertSign, .cRLSign])
        #expect(pki.leaf.basicConstraints == BasicConstraints(isCA: false, pathLength: nil))
        #expect(pki.intermediate.basicConstraints == BasicConstraints(isCA: true, pathLength: 0))
        #expect(pki.root.basicConstraints == BasicConstraints(isCA: true, pathLength: nil))
        #expect(pki.leaf.crlDistributionPointURLs == [ChainTestPKI.crlURL])
        #expect(pki.root.crlDistributionPointURLs.isEmpty)
    }

    @Test("Extension values: raw DER, DER strings and bare text")
    func extensionValues() throws {
        let pki = try ChainTestPKI.get(.sm2)
        let raw = try #require(pki.leaf.extensionValue(oid: ChainTestPKI.organizationCodeOID))
        #expect(raw == [0x0C, UInt8(ChainTestPKI.organizationCode.utf8.count)] + Array(ChainTestPKI.organizationCode.utf8))
        #expect(pki.leaf.extensionString(oid: ChainTestPKI.organizationCodeOID) == ChainTestPKI.organizationCode)
        #expect(pki.leaf.extensionString(oid: ChainTestPKI.identifyCodeOID) == ChainTestPKI.identifyCode)
        #expect(pki.leaf.extensionValue(oid: "1.2.3.4") == nil)
        #expect(pki.leaf.extensionValue(oid: "not an oid") == nil)
        #expect(pki.root.extensionString(oid: ChainTestPKI.organizationCodeOID) == nil)
    }

    @Test("DER strings decode by type; other DER is not a string")
    func derStrings() {
        #expect(DERReader.string([0x13, 0x03, 0x41, 0x42, 0x43]) == "ABC")
        #expect(DERReader.string([0x16, 0x02, 0x68, 0x69]) == "hi")
        #expect(DERReader.string([0x1E, 0x04, 0x6D, 0x4B, 0x8B, 0xD5]) == "测试")
        #expect(DERReader.string([0x0C, 0x06] + Array("张三".utf8)) == "张三")
        #expect(DERReader.string([0x02, 0x01, 0x05]) == nil)
        #expect(DERReader.string([0x0C, 0x05, 0x41]) == nil)
        #expect(DERReader.string([0x0C, 0x01, 0x41, 0x00]) == nil)
    }

    @Test("Roots are self-signed; intermediates and leaves are not", arguments: ChainTestPKI.Algorithm.allCases)
    func selfSigned(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        #expect(pki.root.isSelfSigned)
        #expect(!pki.intermediate.isSelfSigned)
        #expect(!pki.leaf.isSelfSigned)
        #expect(pki.leaf.isSigned(by: pki.intermediate))
        #expect(!pki.leaf.isSigned(by: pki.root))
        #expect(pki.intermediate.isSigned(by: pki.root))
        if algorithm == .sm2 {
            // The ID is part of what was signed.
            #expect(!pki.leaf.isSigned(by: pki.intermediate, sm2ID: "8765432187654321"))
        }
    }
}
