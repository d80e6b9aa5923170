import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuTrust

/// Every case of the generated test PKI through the library: RSA, ECDSA and SM2 chains alike,
/// with their CRLs, the CA's stale-CRL policy, and the holder's identity.
@Suite("Certificate verification: every test-PKI case", .testPKIPrepared)
struct CertificateCaseTests {
    static let pki = TestPKI.shared
    static let caseIDs = pki.cases.map(\.id)

    func verification(for item: TestPKI.Case) throws -> CertificateVerification {
        let trust = TrustList.load(directory: Self.pki.trustFolder)
        let crls = try item.crls.map { try X509CRL(Self.pki.bytes($0)) }
        return CertificateVerification(trust: trust, crls: crls)
    }

    @Test("Each case gives its expected outcome", arguments: caseIDs)
    func outcome(id: String) throws {
        let item = try #require(Self.pki.cases.first { $0.id == id })
        let certificate = try X509Certificate(Self.pki.bytes(item.certificate))
        let chain = try item.chain.map { try X509Certificate(Self.pki.bytes($0)) }
        let verdict = try verification(for: item).verify(certificate, chain: chain)
        if item.expected == "valid" {
            #expect(verdict.valid, "\(id): \(verdict.reasons.map(\.message))")
            #expect(verdict.ca?.id == item.ca)
            #expect(verdict.identity?.code == item.identity?.code)
            #expect(verdict.identity?.kind.rawValue == item.identity?.kind)
            #expect(verdict.chain.count == 3, "\(id): leaf, intermediate, root")
            #expect(verdict.warnings.map(\.code).contains("staleCRL") == (item.warnings ?? []).contains("staleCRL"), "\(id): \(verdict.warnings)")
        } else {
            #expect(!verdict.valid, "\(id) must be refused")
            #expect(verdict.reasonCodes.contains(item.expected), "\(id): expected \(item.expected), got \(verdict.reasons.map { "\($0.code): \($0.message)" })")
        }
    }

    @Test("Without any CRL a refuse-policy CA refuses and a warn-policy CA warns")
    func missingCRLPolicy() throws {
        let verification = CertificateVerification(trust: TrustList.load(directory: Self.pki.trustFolder))
        let rsa = verification.verify(try X509Certificate(Self.pki.bytes("leaves/demo-rsa/org-sign.pem")))
        #expect(!rsa.valid && rsa.reasonCodes == ["crlMissing"])
        let ecdsa = verification.verify(try X509Certificate(Self.pki.bytes("leaves/demo-ecdsa/org-sign.pem")))
        #expect(ecdsa.valid && ecdsa.warnings.map(\.code) == ["crlMissing"])
    }

    @Test("A CA is recognized only within its window, and only for its key algorithms")
    func recognitionWindowAndKeys() throws {
        let item = try #require(Self.pki.case("demo-sm2", "org-sign"))
        var trust = TrustList.load(directory: Self.pki.trustFolder)
        let index = try #require(trust.authorities.firstIndex { $0.id == "demo-sm2" })
        trust.authorities[index].manifest.recognizedUntil = CalendarDay("2025-01-01")!
        trust.authorities[index].manifest.keyAlgorithms = [.rsa]
        let crls = try item.crls.map { try X509CRL(Self.pki.bytes($0)) }
        let verdict = CertificateVerification(trust: trust, crls: crls).verify(try X509Certificate(Self.pki.bytes(item.certificate)))
        #expect(Set(verdict.reasonCodes) == ["notRecognized", "keyAlgorithm"])
        #expect(verdict.identity?.code == item.identity?.code, "the identity is still read, for the record")
    }

    @Test("A CRL that no recognized CA signed is ignored, not trusted")
    func foreignCRLIgnored() throws {
        let item = try #require(Self.pki.case("demo-rsa", "revoked"))
        let trust = TrustList.load(directory: Self.pki.trustFolder)
        // The ECDSA CA's CRL, renamed as if the RSA CA had issued it, cannot pass for it.
        let ecdsaCRL = try X509CRL(Self.pki.bytes("crl/demo-ecdsa/intermediate.crl"))
        let verification = CertificateVerification(trust: trust, crls: [ecdsaCRL])
        #expect(verification.crls(of: "demo-rsa").isEmpty)
        #expect(verification.crls(of: "demo-ecdsa").count == 1)
        let verdict = verification.verify(try X509Certificate(Self.pki.bytes(item.certificate)))
        #expect(verdict.reasonCodes.contains("crlMissing"))
    }
}
