import ArgumentParser
import Foundation
import ShuniuCLI
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import Testing

/// Consumers that sign their reads with a certificate from any recognized CA, as platforms do.
@Suite("Consumers signing reads with a certificate", .testPKIPrepared)
struct ConsumerCertificateTests {
    static let pki = TestPKI.shared
    let platformSide = CertificateIngestTests()

    func client(_ ca: String, _ name: String, on hub: RunningHub) throws -> ConsumerClient {
        let certificate = try X509Certificate(Self.pki.bytes("leaves/\(ca)/\(name).pem"))
        let key = try PrivateKey(Self.pki.bytes("leaves/\(ca)/\(name).key"))
        let method = try #require(CertificateSignatureMethod(fitting: key.algorithm))
        return ConsumerClient(baseURL: hub.baseURL, signing: .certificate(certificate, key, method, sm2ID: CertificateIngestTests.sm2ID(of: ca)))
    }

    @Test("A certificate of each CA, registered with shuniu consumers set-certificate, signs reads", arguments: CertificateIngestTests.authorities)
    func certificateSignedReads(ca: String) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await platformSide.startHub(in: folder)
        _ = try await Fixtures.registerConsumer("provincial-hub", on: hub)
        #expect(try await platformSide.shuniu(["consumers", "set-certificate", "provincial-hub", Self.pki.path("leaves/\(ca)/org-sign.pem"),
                                               "--certs", Self.pki.trustFolder, "--data-dir", hub.dataDir, "--operator", "wang.fang"]))
        let consumer = try client(ca, "org-sign", on: hub)
        let response = try await consumer.feed()
        #expect(response.status == 200, "\(response.bodyText)")
        let entry = try #require(try await hub.store.auditEntries(limit: 1, action: "read.feed").first)
        let fingerprint = try X509Certificate(Self.pki.bytes("leaves/\(ca)/org-sign.pem")).sha256FingerprintHex
        #expect(entry.actor == "provincial-hub" && entry.detail.contains(fingerprint))
        try await hub.stop()
    }

    @Test("Unregistered, revoked and refused certificates do not read")
    func refusedCertificates() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await platformSide.startHub(in: folder)
        _ = try await Fixtures.registerConsumer("provincial-hub", on: hub)
        let unregistered = try await client("demo-rsa", "org-sign", on: hub).feed()
        #expect(unregistered.status == 401 && unregistered.bodyText.contains("auth.bad_signature"), "\(unregistered.bodyText)")
        #expect(try await hub.anonymousRefusals()["auth.unknown_certificate"] == 1)
        // Registration refuses a revoked certificate, audited.
        #expect(!(try await platformSide.shuniu(["consumers", "set-certificate", "provincial-hub", Self.pki.path("leaves/demo-sm2/revoked.pem"),
                                                 "--certs", Self.pki.trustFolder, "--data-dir", hub.dataDir])))
        #expect(try await hub.store.auditEntries(limit: 1, action: "consumer.certificate").first?.outcome == "refused")
        // One registered before it was revoked is refused at the request.
        let revoked = try X509Certificate(Self.pki.bytes("leaves/demo-sm2/revoked.pem"))
        try await hub.store.setConsumerCertificate("provincial-hub", to: ConsumerCertificate(
            fingerprint: revoked.sha256FingerprintHex, der: revoked.der, chain: [], ca: "demo-sm2", subject: revoked.subject,
            identityCode: "", notAfter: revoked.notAfter
        ), by: "earlier")
        let refused = try await client("demo-sm2", "revoked", on: hub).feed()
        #expect(refused.status == 401 && refused.bodyText.contains("auth.certificate_revoked"), "\(refused.bodyText)")
        try await hub.stop()
    }
}
