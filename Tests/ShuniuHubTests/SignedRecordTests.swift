import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import ShuniuTrust
import Testing

/// Records carrying a detached signature: verified before anything is stored, the signer's
/// identity, CA and revocation evidence kept with the version, and the signer required to be the
/// party the dataset names (501: the tenderer or its agency).
@Suite("Signed records", .testPKIPrepared)
struct SignedRecordTests {
    static let pki = TestPKI.shared

    func startHub(in folder: TemporaryDirectory) async throws -> RunningHub {
        let dataDir = folder.path + "/var"
        for ca in ["demo-rsa", "demo-ecdsa", "demo-sm2"] {
            let target = dataDir + "/crl/" + ca
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for crl in try #require(Self.pki.case(ca, "org-sign")).crls {
                try FileManager.default.copyItem(atPath: Self.pki.path(crl), toPath: target + "/" + (crl as NSString).lastPathComponent)
            }
        }
        return try await RunningHub.start(dataDir: dataDir) { $0.certsDir = Self.pki.trustFolder }
    }

    /// The sample 501 record signed by a test-PKI leaf over its `data`'s canonical JSON.
    func signed(_ leaf: String, scheme: SignatureScheme, algorithm: String, changing changes: [String: Any] = [:], tamper: Bool = false) throws -> [String: Any] {
        var record = try Fixtures.record("501", changing: changes)
        let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
        let key = try PrivateKey(Self.pki.bytes(leaf.replacingOccurrences(of: ".pem", with: ".key")))
        var signature = try key.sign(Array(data.canonicalText.utf8), scheme: scheme)
        if tamper { signature[signature.count / 2] ^= 0x01 }
        record["signature"] = [
            "format": "raw", "algorithm": algorithm, "value": Data(signature).base64EncodedString(),
            "certificate": try String(contentsOfFile: Self.pki.path(leaf), encoding: .utf8),
        ]
        return record
    }

    func send(_ records: [[String: Any]], hub: RunningHub, credential: PlatformCredential) async throws -> IngestAnswer {
        let response = try await hub.client(credential).send(body: Fixtures.batch(records))
        return try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
    }

    @Test("A record signed by the agency is stored with the signer's identity, CA and revocation evidence")
    func signedRecordStored() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let credential = try await Fixtures.register(in: hub.store)
        let records = try Fixtures.sampleRecords()
        // The sample's agency code is demo-rsa's organization, 91350100M000100Y43.
        let answer = try await send([records[0], try signed("leaves/demo-rsa/org-sign.pem", scheme: .rsaPKCS1v15(.sha256), algorithm: "rsa-pkcs1-sha256")], hub: hub, credential: credential)
        #expect(answer.accepted == 2, "\(answer.results)")
        let version = try #require(try await hub.store.latestVersion(dataset: "501", key: "E4201000001000001001"))
        let text = try #require(version.signature)
        let evidence = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let signer = try #require(evidence["signer"] as? [String: Any])
        #expect(signer["code"] as? String == "91350100M000100Y43")
        #expect(evidence["ca"] as? String == "demo-rsa")
        #expect((evidence["revocationEvidence"] as? [String])?.count == 2)
        #expect((evidence["fingerprint"] as? String)?.count == 64)
        // A joint tender (联合招标) may be signed by any one of its tenderers.
        let joint = try signed("leaves/demo-rsa/org-sign.pem", scheme: .rsaPKCS1v15(.sha256), algorithm: "rsa-pkcs1-sha256", changing: [
            "TENDER_PROJECT_CODE": "E4201000001000001002", "TENDER_ORGANIZE_FORM": "1", "TENDER_AGENCY_NAME": NSNull(),
            "TENDER_AGENCY_CODE_TYPE": NSNull(), "TENDER_AGENCY_CODE": NSNull(), "TENDER_AGENCY_ROLE": NSNull(), "ISUNION": "1",
            "TENDERER_NAME": "武汉示范建设投资有限公司;福州示范投资有限公司", "TENDERER_CODE_TYPE": "1;1",
            "TENDERER_CODE": "91420100MA4K00010R;91350100M000100Y43",
        ])
        let jointAnswer = try await send([joint], hub: hub, credential: credential)
        #expect(jointAnswer.accepted == 1, "\(jointAnswer.results)")
        try await hub.stop()
    }

    @Test("Refused before storing: another party's signature, a tampered one, a revoked signer, an unrecognized CA")
    func refusedSignatures() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let credential = try await Fixtures.register(in: hub.store)
        let project = try Fixtures.sampleRecords()[0]
        #expect(try await send([project], hub: hub, credential: credential).accepted == 1)

        // SM2-signed correctly, but by an organization that is neither tenderer nor agency.
        let stranger = try await send([try signed("leaves/demo-sm2/org-sign.pem", scheme: .sm2Default, algorithm: "sm2-sm3")], hub: hub, credential: credential)
        #expect(stranger.results.first?.problems?.map(\.code) == ["signature.signer_mismatch"], "\(stranger.results)")
        // The same signer is fine when it is the agency.
        let agency = try await send([try signed("leaves/demo-sm2/org-sign.pem", scheme: .sm2Default, algorithm: "sm2-sm3",
                                                changing: ["TENDER_AGENCY_CODE": "91330100MA2H7K4122"])], hub: hub, credential: credential)
        #expect(agency.accepted == 1, "\(agency.results)")

        let tampered = try await send([try signed("leaves/demo-rsa/org-sign.pem", scheme: .rsaPKCS1v15(.sha256), algorithm: "rsa-pkcs1-sha256", tamper: true)], hub: hub, credential: credential)
        #expect(tampered.results.first?.problems?.map(\.code) == ["signature.invalid"])
        #expect(tampered.results.first?.problems?.first?.path == "$.records[0].signature.value")

        let revoked = try await send([try signed("leaves/demo-rsa/revoked.pem", scheme: .rsaPKCS1v15(.sha256), algorithm: "rsa-pkcs1-sha256")], hub: hub, credential: credential)
        let problem = try #require(revoked.results.first?.problems?.first)
        #expect(problem.code == "signature.certificate" && problem.message.contains("revoked"), "\(problem)")

        let unknown = try await send([try signed("leaves/untrusted/unknown-ca.pem", scheme: .rsaPKCS1v15(.sha256), algorithm: "rsa-pkcs1-sha256")], hub: hub, credential: credential)
        // Its issuer is known to no recognized CA: the chain cannot be built.
        #expect(unknown.results.first?.problems?.first?.code == "signature.certificate", "\(unknown.results)")
        #expect(unknown.results.first?.problems?.first?.message.contains("brokenChain") == true, "\(unknown.results)")

        let malformed = try await send([try Fixtures.record("501").merging(["signature": ["value": "!!"]]) { $1 }], hub: hub, credential: credential)
        #expect(malformed.results.first?.problems?.first?.code == "signature.malformed")
        #expect(try await hub.store.versions(dataset: "501", key: "E4201000001000001001").count == 1)
        try await hub.stop()
    }
}
