import Foundation
import Testing
@testable import ShuniuTrust

@Suite("CRLs", .testPKIPrepared)
struct X509CRLTests {
    @Test("A CRL reads its issuer, dates and revoked serials", arguments: ChainTestPKI.Algorithm.allCases)
    func fields(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let crl = pki.intermediateCRL
        #expect(crl.issuer == pki.intermediate.subject)
        #expect(crl.revokedSerials == ["1003"])
        #expect(crl.lists(pki.revokedLeaf))
        #expect(!crl.lists(pki.leaf))
        let nextUpdate = try #require(crl.nextUpdate)
        #expect(nextUpdate.timeIntervalSince(crl.thisUpdate) == 7 * 86400)
        #expect(!crl.isStale(at: Date()))
        #expect(crl.isStale(at: nextUpdate.addingTimeInterval(1)))
        #expect(crl.isSM2Signed == (algorithm == .sm2))
        #expect(try X509CRL(crl.der).der == crl.der)
        #expect(pki.rootCRL.revokedSerials.isEmpty)
    }

    @Test("The signature verifies with the issuer only (SM2 by hand, with the ID)", arguments: ChainTestPKI.Algorithm.allCases)
    func signature(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        #expect(pki.intermediateCRL.verifySignature(issuer: pki.intermediate))
        #expect(pki.rootCRL.verifySignature(issuer: pki.root))
        #expect(!pki.intermediateCRL.verifySignature(issuer: pki.root))
        #expect(!pki.intermediateCRL.verifySignature(issuer: pki.foreignIntermediate))
        if algorithm == .sm2 {
            #expect(!pki.intermediateCRL.verifySignature(issuer: pki.intermediate, sm2ID: "8765432187654321"))
        }
        var tampered = pki.intermediateCRL.der
        tampered[tampered.count - 1] ^= 0x01
        #expect(try !X509CRL(tampered).verifySignature(issuer: pki.intermediate))
    }

    @Test("Garbage is refused")
    func malformed() {
        #expect(throws: TrustError(.malformedCRL, "")) { try X509CRL([]) }
        #expect(throws: TrustError(.malformedCRL, "")) { try X509CRL(Array("garbage".utf8)) }
        #expect(throws: TrustError(.malformedCRL, "")) { try X509CRL(pem: "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n") }
    }
}
