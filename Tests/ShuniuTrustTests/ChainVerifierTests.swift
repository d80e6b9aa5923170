import Foundation
import Testing
@testable import ShuniuTrust

@Suite("Chain verification", .testPKIPrepared)
struct ChainVerifierTests {
    private static let day: TimeInterval = 86400

    /// Trusts the PKI's root, with both CRLs, checking the whole chain.
    private func verifier(_ pki: ChainTestPKI, crls: [X509CRL]? = nil, options: ChainVerifier.Options = .init()) throws -> ChainVerifier {
        try ChainVerifier(anchors: [pki.root], crls: crls ?? [pki.rootCRL, pki.intermediateCRL], options: options)
    }

    @Test("A valid chain verifies, with CRLs of every level, and is reported leaf first", arguments: ChainTestPKI.Algorithm.allCases)
    func valid(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verdict = try verifier(pki).verify(pki.leaf, untrusted: [pki.intermediate], purpose: .signing)
        #expect(verdict.isValid, "\(verdict.reasons)")
        #expect(verdict.reasons.isEmpty)
        #expect(verdict.warnings.isEmpty)
        #expect(verdict.chain.count == 3)
        // The caller's own objects come back, not OpenSSL's copies.
        #expect(verdict.chain.first === pki.leaf)
        #expect(verdict.chain.dropFirst().first === pki.intermediate)
        #expect(verdict.chain.last === pki.root)
    }

    @Test("The trust list's known intermediate completes a chain the sender did not", arguments: ChainTestPKI.Algorithm.allCases)
    func knownIntermediate(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verifier = try ChainVerifier(anchors: [pki.root], intermediates: [pki.intermediate], crls: [pki.rootCRL, pki.intermediateCRL])
        let verdict = verifier.verify(pki.leaf)
        #expect(verdict.isValid, "\(verdict.reasons)")
        #expect(verdict.chain.last === pki.root)
    }

    @Test("A known intermediate is not an anchor: trusting it alone verifies nothing")
    func intermediateIsNotAnAnchor() throws {
        let pki = try ChainTestPKI.get(.rsa)
        let verifier = try ChainVerifier(anchors: [], intermediates: [pki.intermediate])
        #expect(!verifier.verify(pki.leaf).isValid)
    }

    @Test("An expired leaf is refused", arguments: ChainTestPKI.Algorithm.allCases)
    func expired(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verdict = try verifier(pki, crls: []).verify(pki.leaf, untrusted: [pki.intermediate], at: pki.leaf.notAfter.addingTimeInterval(Self.day))
        #expect(!verdict.isValid)
        #expect(verdict.codes == [.expired])
        #expect(verdict.reasons.first?.depth == 0)
        #expect(verdict.reasons.first?.subject == pki.leaf.subject)
    }

    @Test("A chain checked before its certificates' notBefore is not yet valid", arguments: ChainTestPKI.Algorithm.allCases)
    func notYetValid(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verdict = try verifier(pki, crls: []).verify(pki.leaf, untrusted: [pki.intermediate], at: pki.root.notBefore.addingTimeInterval(-Self.day))
        #expect(!verdict.isValid)
        // Every certificate is reported, not only the first.
        #expect(verdict.codes == [.notYetValid, .notYetValid, .notYetValid])
        #expect(verdict.reasons.map(\.depth) == [2, 1, 0] || Set(verdict.reasons.map(\.depth)) == [0, 1, 2])
    }

    @Test("A revoked leaf is refused, also when the CRL is SM2-signed", arguments: ChainTestPKI.Algorithm.allCases)
    func revoked(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verdict = try verifier(pki).verify(pki.revokedLeaf, untrusted: [pki.intermediate])
        #expect(!verdict.isValid)
        #expect(verdict.codes == [.revoked])
        #expect(verdict.reasons.first?.depth == 0)
    }

    @Test("An SM2 CRL that does not verify is reported and not used to clear the chain")
    func badSM2CRL() throws {
        let pki = try ChainTestPKI.get(.sm2)
        var tampered = pki.intermediateCRL.der
        tampered[tampered.count - 1] ^= 0x01
        let verdict = try verifier(pki, crls: [pki.rootCRL, try X509CRL(tampered)]).verify(pki.leaf, untrusted: [pki.intermediate])
        #expect(!verdict.isValid)
        #expect(verdict.codes.contains(.crlInvalid))
    }

    @Test("A stale CRL is a reason, or with allowStaleCRL a warning", arguments: ChainTestPKI.Algorithm.allCases)
    func staleCRL(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let later = try #require(pki.intermediateCRL.nextUpdate).addingTimeInterval(Self.day)
        let strict = try verifier(pki).verify(pki.leaf, untrusted: [pki.intermediate], at: later)
        #expect(!strict.isValid)
        #expect(Set(strict.codes) == [.crlExpired])
        let lenient = try verifier(pki).verify(pki.leaf, untrusted: [pki.intermediate], at: later, allowStaleCRL: true)
        #expect(lenient.isValid, "\(lenient.reasons)")
        #expect(Set(lenient.warnings.map(\.code)) == [.crlExpired])
        // A stale CRL still revokes.
        let revoked = try verifier(pki).verify(pki.revokedLeaf, untrusted: [pki.intermediate], at: later, allowStaleCRL: true)
        #expect(revoked.codes == [.revoked])
    }

    @Test("A CA without a CRL is crlMissing when the whole chain is checked", arguments: ChainTestPKI.Algorithm.allCases)
    func missingCRL(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verdict = try verifier(pki, crls: [pki.intermediateCRL]).verify(pki.leaf, untrusted: [pki.intermediate])
        #expect(!verdict.isValid)
        // OpenSSL 3.0 checks the self-signed root against its own CRL too.
        #expect(verdict.codes == [.crlMissing, .crlMissing])
        #expect(verdict.reasons.map(\.depth) == [1, 2])
        let leafOnly = try verifier(pki, crls: [pki.intermediateCRL], options: .init(revocation: .leafOnly)).verify(pki.leaf, untrusted: [pki.intermediate])
        #expect(leafOnly.isValid, "\(leafOnly.reasons)")
        let none = try verifier(pki, crls: [], options: .init(revocation: .wholeChain)).verify(pki.leaf, untrusted: [pki.intermediate])
        #expect(none.codes.first == .crlMissing)
    }

    @Test("A missing intermediate breaks the chain", arguments: ChainTestPKI.Algorithm.allCases)
    func missingIntermediate(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let verdict = try verifier(pki).verify(pki.leaf)
        #expect(!verdict.isValid)
        #expect(verdict.codes == [.brokenChain])
        #expect(verdict.chain.count == 1)
    }

    @Test("A chain to another root is refused: unknown issuer, or untrusted root when sent", arguments: ChainTestPKI.Algorithm.allCases)
    func unknownRoot(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let withoutRoot = try verifier(pki).verify(pki.foreignLeaf, untrusted: [pki.foreignIntermediate])
        #expect(withoutRoot.codes == [.unknownIssuer])
        #expect(withoutRoot.reasons.first?.depth == 1)
        let withRoot = try verifier(pki).verify(pki.foreignLeaf, untrusted: [pki.foreignIntermediate, pki.foreignRoot])
        #expect(withRoot.codes == [.untrustedRoot])
        #expect(!withRoot.isValid)
        // A foreign root sent alone is not trusted either.
        #expect(try verifier(pki).verify(pki.foreignRoot).codes == [.untrustedRoot])
    }

    @Test("A tampered signature is refused", arguments: ChainTestPKI.Algorithm.allCases)
    func tampered(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        var der = pki.leaf.der
        der[der.count - 1] ^= 0x01
        let verdict = try verifier(pki).verify(try X509Certificate(der), untrusted: [pki.intermediate])
        #expect(!verdict.isValid)
        #expect(verdict.codes == [.badSignature])
    }

    @Test("An encryption certificate is never a signer, though its chain is fine", arguments: ChainTestPKI.Algorithm.allCases)
    func encryptionNotSigner(algorithm: ChainTestPKI.Algorithm) throws {
        let pki = try ChainTestPKI.get(algorithm)
        let signing = try verifier(pki).verify(pki.encryptionLeaf, untrusted: [pki.intermediate], purpose: .signing)
        #expect(!signing.isValid)
        #expect(signing.codes == [.keyUsage])
        #expect(try verifier(pki).verify(pki.encryptionLeaf, untrusted: [pki.intermediate], purpose: .any).isValid)
    }

    @Test("Problems are all reported: revoked and not for signing at once")
    func collectsEveryProblem() throws {
        let pki = try ChainTestPKI.get(.rsa)
        let later = pki.leaf.notAfter.addingTimeInterval(Self.day)
        let verdict = try verifier(pki).verify(pki.revokedLeaf, untrusted: [pki.intermediate], at: later)
        #expect(Set(verdict.codes).isSuperset(of: [.expired, .crlExpired, .revoked]))
    }

    @Test("SM2 chains need the right distinguishing ID on every certificate")
    func sm2WrongID() throws {
        let pki = try ChainTestPKI.get(.sm2)
        let verdict = try verifier(pki, crls: [], options: .init(sm2DistinguishingID: "8765432187654321")).verify(pki.leaf, untrusted: [pki.intermediate])
        #expect(!verdict.isValid)
        #expect(verdict.codes.allSatisfy { $0 == .badSignature })
        // The caller's certificates are untouched by verification: they still verify elsewhere.
        #expect(try verifier(pki).verify(pki.leaf, untrusted: [pki.intermediate]).isValid)
    }

    @Test("One verifier serves concurrent verifications")
    func concurrent() async throws {
        let pkis = try ChainTestPKI.Algorithm.allCases.map { try ChainTestPKI.get($0) }
        let verifier = try ChainVerifier(anchors: pkis.map(\.root), intermediates: pkis.map(\.intermediate), crls: pkis.flatMap { [$0.rootCRL, $0.intermediateCRL] })
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<60 {
                let pki = pkis[index % pkis.count]
                let revoked = index % 2 == 0
                group.addTask {
                    let verdict = verifier.verify(revoked ? pki.revokedLeaf : pki.leaf, purpose: .signing)
                    return verdict.isValid == !revoked
                }
            }
            for try await outcome in group {
                #expect(outcome)
            }
        }
    }
}
