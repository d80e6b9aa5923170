import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
import Yams
@testable import ShuniuTrust

/// The trust list as folders of files, and holders' identities read by each CA's own rules.
@Suite("Trust list and holder identities", .testPKIPrepared)
struct TrustListTests {
    let pki = TestPKI.shared

    @Test("The generated trust list loads its three CAs: roots, intermediates and manifests")
    func loads() throws {
        let trust = TrustList.load(directory: pki.trustFolder)
        #expect(trust.refused.isEmpty, "\(trust.refused)")
        #expect(trust.authorities.map(\.id) == ["demo-ecdsa", "demo-rsa", "demo-sm2"])
        for authority in trust.authorities {
            #expect(authority.roots.count == 1 && authority.intermediates.count == 1, "\(authority.id)")
        }
        let sm2 = try #require(trust.authority(id: "demo-sm2"))
        #expect(sm2.manifest.keyAlgorithms == [.sm2])
        #expect(sm2.manifest.sm2ID == "1234567812345678")
        #expect(trust.authority(id: "demo-ecdsa")?.manifest.crl.whenStale == .warn)
    }

    @Test("Each CA's way of encoding a holder yields the same normalized identity")
    func identities() throws {
        let trust = TrustList.load(directory: pki.trustFolder)
        let withIdentity = pki.cases.filter { $0.ca != nil && $0.identity != nil && $0.name != "tampered" }
        #expect(withIdentity.count >= 6)
        for item in withIdentity {
            let authority = try #require(trust.authority(id: item.ca!))
            let certificate = try X509Certificate(pki.bytes(item.certificate))
            let expected = try #require(item.identity)
            switch IdentityExtractor(authority: authority).identity(of: certificate) {
            case .success(let identity):
                #expect(identity.kind.rawValue == expected.kind, "\(item.id)")
                #expect(identity.code == expected.code, "\(item.id)")
                #expect(identity.codeType.rawValue == expected.codeType, "\(item.id)")
                #expect(identity.name == expected.name, "\(item.id)")
                #expect(identity.ca == item.ca)
                #expect(identity.serial == certificate.serialHex)
            case .failure(let failure):
                Issue.record("\(item.id): \(failure)")
            }
        }
    }

    @Test("A code that fails its check character is reported, not accepted")
    func badCheckCharacter() throws {
        let trust = TrustList.load(directory: pki.trustFolder)
        var authority = try #require(trust.authority(id: "demo-rsa"))
        // Read the organization's code as if it were an ID number: the algorithm refuses it.
        authority.manifest.identity = [try rule(#"{kind: person, from: "subject:2.5.4.97", stripPrefixes: ["NTRCN-"], codeType: residentID}"#)]
        let certificate = try X509Certificate(pki.bytes("leaves/demo-rsa/org-sign.pem"))
        guard case .failure(.invalidCode(_, let value, _)) = IdentityExtractor(authority: authority).identity(of: certificate) else {
            Issue.record("a credit code read as an ID number must fail")
            return
        }
        #expect(value == "91350100M000100Y43")
        authority.manifest.identity = [try rule(#"{kind: person, from: "extension:1.2.3.4", codeType: residentID}"#)]
        #expect(IdentityExtractor(authority: authority).identity(of: certificate) == .failure(.notFound(rules: 1)))
    }

    @Test("A broken CA folder is refused with file and line; the other CAs stay recognized")
    func brokenFolderRefused() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: pki.trustFolder, toPath: folder.path + "/certs")
        let manifest = folder.path + "/certs/demo-ecdsa/ca.yaml"
        var text = try String(contentsOfFile: manifest, encoding: .utf8)
        text = text.replacingOccurrences(of: "whenStale: warn", with: "whenStale: shrug")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        try "not a certificate".write(toFile: folder.path + "/certs/demo-sm2/extra.pem", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.path + "/certs/Bad_Name", withIntermediateDirectories: true)

        let trust = TrustList.load(directory: folder.path + "/certs")
        #expect(trust.authorities.map(\.id) == ["demo-rsa"])
        let byFile = Dictionary(grouping: trust.refused, by: \.file)
        let stale = try #require(byFile[manifest]?.first)
        let expectedLine = text.components(separatedBy: "\n").firstIndex { $0.contains("shrug") }.map { $0 + 1 }
        #expect(stale.line == expectedLine)
        #expect(byFile[folder.path + "/certs/demo-sm2/extra.pem"]?.isEmpty == false)
        #expect(trust.refused.contains { $0.file.hasSuffix("Bad_Name") || $0.file.hasSuffix("Bad_Name/ca.yaml") })
    }

    @Test("Manifest mistakes beyond shape: dates out of order, no identity rule, a bad CRL URL")
    func manifestSemantics() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: pki.trustFolder + "/demo-rsa", toPath: folder.path + "/demo-rsa")
        try """
            name: x
            recognizedSince: "2030-01-01"
            recognizedUntil: "2020-01-01"
            keyAlgorithms: [rsa]
            crl: {urls: ["ftp://example.invalid/a.crl"], whenStale: refuse}
            identity: []
            """.write(toFile: folder.path + "/demo-rsa/ca.yaml", atomically: true, encoding: .utf8)
        let trust = TrustList.load(directory: folder.path)
        #expect(trust.authorities.isEmpty)
        #expect(trust.refused.map(\.line) == [3, 6, 5])
    }

    func rule(_ yaml: String) throws -> IdentityRule {
        try YAMLDecoder().decode(IdentityRule.self, from: yaml)
    }
}
