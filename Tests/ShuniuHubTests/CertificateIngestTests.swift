import ArgumentParser
import Foundation
@testable import ShuniuCLI
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import ShuniuTrust
import Testing

/// Platforms that sign with certificates of any recognized CA: registered through the CLI
/// (verified then and there), pushing to a real hub on loopback whose trust list is the generated
/// test PKI and whose CRL cache holds that PKI's fresh CRLs.
@Suite("Ingest signed with a platform's certificate", .testPKIPrepared)
struct CertificateIngestTests {
    static let pki = TestPKI.shared
    static let authorities = ["demo-rsa", "demo-ecdsa", "demo-sm2"]

    /// One platform per CA; the numbers skip the sample platforms that have mapping files (3–5).
    static func platform(for ca: String) -> PlatformID {
        switch ca {
        case "demo-rsa": PlatformID(rawValue: "E4201000001")!
        case "demo-ecdsa": PlatformID(rawValue: "E4201000002")!
        default: PlatformID(rawValue: "E4201000006")!
        }
    }

    /// The organization code in the CA's org-sign certificate: its platform's operator code.
    static func operatorCode(of ca: String) throws -> String {
        try #require(pki.case(ca, "org-sign")?.identity?.code)
    }

    static func sm2ID(of ca: String) -> String {
        TrustList.load(directory: pki.trustFolder).authority(id: ca)?.manifest.sm2ID ?? SM2.defaultDistinguishingID
    }

    /// Runs `shuniu ARGUMENTS…` in-process; false when it refused (exit status 1 or a validation error).
    @discardableResult
    func shuniu(_ arguments: [String]) async throws -> Bool {
        do {
            try await InProcessCommand.run(arguments)
            return true
        } catch is ExitCode {
            return false
        } catch is ValidationError {
            return false
        } catch is CLIFailure {
            return false
        }
    }

    /// A hub with the PKI as trust list and its fresh CRLs in `<dataDir>/crl/<ca-id>/`.
    func startHub(in folder: TemporaryDirectory) async throws -> RunningHub {
        let dataDir = folder.path + "/var"
        for ca in Self.authorities {
            let target = dataDir + "/crl/" + ca
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for crl in try #require(Self.pki.case(ca, "org-sign")).crls {
                try FileManager.default.copyItem(atPath: Self.pki.path(crl), toPath: target + "/" + (crl as NSString).lastPathComponent)
            }
        }
        return try await RunningHub.start(dataDir: dataDir) { $0.certsDir = Self.pki.trustFolder }
    }

    /// Registers a platform and sets its operator code through the CLI; returns its HMAC credential.
    @discardableResult
    func register(_ platform: PlatformID, operatorCode: String, on hub: RunningHub) async throws -> PlatformCredential {
        let credential = try await Fixtures.register(platform, in: hub.store)
        #expect(try await shuniu(["platforms", "set-operator-code", platform.rawValue, operatorCode, "--data-dir", hub.dataDir, "--operator", "wang.fang"]))
        return credential
    }

    /// `shuniu platforms certs add` of a test PKI leaf; true when registered.
    func addCertificate(_ relative: String, to platform: PlatformID, on hub: RunningHub, chain: [String] = []) async throws -> Bool {
        try await shuniu(["platforms", "certs", "add", platform.rawValue, Self.pki.path(relative), "--certs", Self.pki.trustFolder,
                          "--data-dir", hub.dataDir, "--operator", "wang.fang"] + chain.flatMap { ["--chain", Self.pki.path($0)] })
    }

    /// A client signing with a PKI leaf and its key.
    func client(_ ca: String, _ name: String, on hub: RunningHub, method: CertificateSignatureMethod? = nil) throws -> IngestClient {
        try IngestClient(
            baseURL: hub.baseURL, certificate: X509Certificate(Self.pki.bytes("leaves/\(ca)/\(name).pem")),
            key: PrivateKey(Self.pki.bytes("leaves/\(ca)/\(name).key")), method: method, sm2ID: Self.sm2ID(of: ca)
        )
    }

    func fingerprint(_ ca: String, _ name: String) throws -> String {
        try X509Certificate(Self.pki.bytes("leaves/\(ca)/\(name).pem")).sha256FingerprintHex
    }

    func body(_ number: Int, for platform: PlatformID) throws -> [UInt8] {
        try Fixtures.batch(Fixtures.projects(count: 1, start: number, platform: platform))
    }

    /// Expects a whole-request refusal with `code` and `status`: audited as `ingest.refused` with
    /// that outcome when the platform (`actor`) was identified, else counted in its address's
    /// summary. `audited` is the code in the audit log when it differs from the answer's (an
    /// unknown certificate is answered as a bad signature).
    func expectRefused(_ response: ReceivedResponse, _ status: Int, _ code: String, audited: String? = nil, on hub: RunningHub, actor: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.bodyText.contains("\"\(code)\""), "\(response.bodyText)", sourceLocation: sourceLocation)
        if let actor {
            let refusal = try await hub.store.auditEntries(limit: 1, action: "ingest.refused").first
            #expect(refusal?.outcome == audited ?? code, sourceLocation: sourceLocation)
            #expect(refusal?.actor == actor, sourceLocation: sourceLocation)
        } else {
            await hub.hub.writeRefusalSummaries()
            let summary = try await hub.store.auditEntries(limit: 1, action: "anonymous.refused").first
            #expect(summary?.detail.contains("\"\(audited ?? code)\":") == true, "\(summary?.detail ?? "no summary")", sourceLocation: sourceLocation)
        }
    }

    @Test("An org-sign certificate of each CA is registered for its operator's platform, and its signed pushes are accepted", arguments: authorities)
    func signedPushAccepted(ca: String) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let platform = Self.platform(for: ca)
        let credential = try await register(platform, operatorCode: Self.operatorCode(of: ca), on: hub)
        #expect(try await addCertificate("leaves/\(ca)/org-sign.pem", to: platform, on: hub))

        let client = try client(ca, "org-sign", on: hub)
        let response = try await client.send(body: body(1, for: platform))
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.bodyText.contains("\"accepted\""))
        // Again, with the verdict cached, and a new record.
        #expect(try await client.send(body: body(2, for: platform)).status == 200)
        // HMAC keeps working beside it, for the same platform and its nonces.
        #expect(try await hub.client(credential, method: .hmacSM3).send(body: body(3, for: platform)).status == 200)

        let batch = try #require(try await hub.store.auditEntries(limit: 3, action: "ingest.batch").last)
        #expect(batch.actor == platform.rawValue)
        #expect(batch.detail.contains(try fingerprint(ca, "org-sign")))
        let registration = try #require(try await hub.store.platformCertificates(platform).first)
        let operatorCode = try Self.operatorCode(of: ca)
        #expect(registration.ca == ca && registration.identityCode == operatorCode && registration.addedBy == "wang.fang")
        let added = try #require(try await hub.store.auditEntries(limit: 10, action: "platform.certificate.add").first)
        #expect(added.outcome == "ok" && added.actor == "wang.fang" && added.subject == platform.rawValue)
        #expect(try await hub.store.verifyAuditChain().intact)
        try await hub.stop()
    }

    @Test("Registration refuses, with every reason and audited: another operator's, a person's, the encryption certificate, revoked, expired, and one already registered for another platform")
    func registrationRefusals() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let rsa = Self.platform(for: "demo-rsa")
        let sm2 = Self.platform(for: "demo-sm2")
        try await register(rsa, operatorCode: Self.operatorCode(of: "demo-rsa"), on: hub)
        try await register(sm2, operatorCode: Self.operatorCode(of: "demo-sm2"), on: hub)
        // A second platform of the SM2 operator: same operator, but a certificate signs for one platform.
        let sibling = PlatformID(rawValue: "E4201000007")!
        try await register(sibling, operatorCode: Self.operatorCode(of: "demo-sm2"), on: hub)

        let refused: [(String, PlatformID, String)] = [
            ("leaves/demo-ecdsa/org-sign.pem", rsa, "identity"),        // another organization's certificate
            ("leaves/demo-rsa/person-sign.pem", rsa, "identity"),       // a person's certificate
            ("leaves/demo-sm2/org-enc.pem", sm2, "keyUsage"),           // the encryption half of the SM2 pair
            ("leaves/demo-sm2/revoked.pem", sm2, "revoked"),
            ("leaves/demo-rsa/expired.pem", rsa, "expired"),
        ]
        for (leaf, platform, reason) in refused {
            #expect(try await addCertificate(leaf, to: platform, on: hub) == false, "\(leaf)")
            let audit = try #require(try await hub.store.auditEntries(limit: 1, action: "platform.certificate.add").first)
            #expect(audit.outcome == "refused" && audit.actor == "wang.fang" && audit.subject == platform.rawValue, "\(leaf)")
            #expect(audit.detail.contains("\"\(reason):"), "\(leaf): \(audit.detail)")
        }
        #expect(try await hub.store.platformCertificates(rsa).isEmpty)
        #expect(try await hub.store.platformCertificates(sm2).isEmpty)

        #expect(try await addCertificate("leaves/demo-sm2/org-sign.pem", to: sm2, on: hub))
        #expect(try await addCertificate("leaves/demo-sm2/org-sign.pem", to: sibling, on: hub) == false)
        let audit = try #require(try await hub.store.auditEntries(limit: 1, action: "platform.certificate.add").first)
        #expect(audit.outcome == "refused" && audit.detail.contains("already registered for platform \(sm2)"), "\(audit.detail)")
        #expect(try await hub.store.platformCertificates(sibling).isEmpty)
        // A platform without an operator code takes no certificate at all.
        let bare = PlatformID(rawValue: "E4201000008")!
        try await Fixtures.register(bare, in: hub.store)
        #expect(try await addCertificate("leaves/demo-rsa/org-sign.pem", to: bare, on: hub) == false)
        try await hub.stop()
    }

    @Test("Pushes are refused with the right code and audited: unknown certificate, bad signature, wrong method, replayed nonce, stale timestamp")
    func requestRefusals() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let platform = Self.platform(for: "demo-ecdsa")
        try await register(platform, operatorCode: Self.operatorCode(of: "demo-ecdsa"), on: hub)
        #expect(try await addCertificate("leaves/demo-ecdsa/org-sign.pem", to: platform, on: hub))
        let client = try client("demo-ecdsa", "org-sign", on: hub)
        let http = CurlHTTPClient()
        let path = "/api/v1/records"

        // Not registered: a recognized, valid certificate that nobody registered.
        let stranger = try self.client("demo-ecdsa", "person-sign", on: hub)
        try await expectRefused(try await stranger.send(body: body(1, for: platform)), 401, "auth.bad_signature", audited: "auth.unknown_certificate", on: hub)

        // Bad signature: headers signed for one body, another body sent.
        let headers = try client.signatureHeaders(path: path, body: body(2, for: platform))
        let tampered = try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + path, headers: headers, body: body(3, for: platform)))
        try await expectRefused(tampered, 401, "auth.bad_signature", on: hub)

        // A method that does not fit the key: RSA-SHA256 with an ECDSA certificate.
        let relabelled = try client.signatureHeaders(path: path, body: body(4, for: platform)).map {
            $0.name == SignatureHeader.method ? ($0.name, CertificateSignatureMethod.rsaSHA256.rawValue) : $0
        }
        let wrongMethod = try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + path, headers: relabelled, body: body(4, for: platform)))
        try await expectRefused(wrongMethod, 401, "auth.bad_signature", on: hub)
        // The answer is the same as for an unknown certificate: which method would fit is not told.
        #expect(!wrongMethod.bodyText.contains("ECDSA-SHA256"))

        // Replayed nonce: the same signed request twice.
        let nonce = UUID().uuidString
        #expect(try await client.send(body: body(5, for: platform), nonce: nonce).status == 200)
        try await expectRefused(try await client.send(body: body(5, for: platform), nonce: nonce), 409, "auth.nonce_reused", on: hub, actor: platform.rawValue)

        // Stale timestamp: well outside the 300 s window.
        let stale = try await client.send(body: body(6, for: platform), timestamp: Date().addingTimeInterval(-1_000))
        try await expectRefused(stale, 401, "auth.timestamp_out_of_window", on: hub)

        // A garbled fingerprint and a certificate method without the certificate header.
        var garbled = try client.signatureHeaders(path: path, body: body(7, for: platform)).map { $0.name == SignatureHeader.certificate ? ($0.name, "xyz") : $0 }
        try await expectRefused(try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + path, headers: garbled, body: body(7, for: platform))), 401, "auth.bad_signature", audited: "auth.unknown_certificate", on: hub)
        garbled = try client.signatureHeaders(path: path, body: body(7, for: platform)).filter { $0.name != SignatureHeader.certificate }
        try await expectRefused(try await http.send(OutgoingRequest(method: "POST", url: hub.baseURL + path, headers: garbled, body: body(7, for: platform))), 401, "auth.missing_credentials", on: hub)

        try await hub.stop()
    }

    @Test("A registered certificate that is later revoked or expires, or whose holder stops being the operator, is refused at the request and audited")
    func standingCheckedAtEachRequest() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let sm2 = Self.platform(for: "demo-sm2")
        let rsa = Self.platform(for: "demo-rsa")
        try await register(sm2, operatorCode: Self.operatorCode(of: "demo-sm2"), on: hub)
        try await register(rsa, operatorCode: Self.operatorCode(of: "demo-rsa"), on: hub)
        // Registered before they went bad: put in the store as registration would have, back then.
        for (ca, name, platform) in [("demo-sm2", "revoked", sm2), ("demo-rsa", "expired", rsa)] {
            let certificate = try X509Certificate(Self.pki.bytes("leaves/\(ca)/\(name).pem"))
            try await hub.store.addPlatformCertificate(PlatformCertificate(
                platform: platform, fingerprint: certificate.sha256FingerprintHex, der: certificate.der, chain: [], ca: ca,
                subject: certificate.subject, serial: certificate.serialHex, identityCode: try Self.operatorCode(of: ca), identityCodeType: "creditCode",
                notAfter: certificate.notAfter, addedBy: "earlier", addedAt: Date()
            ), by: "earlier")
        }
        try await expectRefused(try await client("demo-sm2", "revoked", on: hub).send(body: body(1, for: sm2)), 401, "auth.certificate_revoked", on: hub, actor: sm2.rawValue)
        try await expectRefused(try await client("demo-rsa", "expired", on: hub).send(body: body(1, for: rsa)), 401, "auth.certificate_expired", on: hub, actor: rsa.rawValue)

        // The SM2 operator's good certificate works until the platform changes hands.
        #expect(try await addCertificate("leaves/demo-sm2/org-sign.pem", to: sm2, on: hub))
        let client = try client("demo-sm2", "org-sign", on: hub)
        #expect(try await client.send(body: body(2, for: sm2)).status == 200)
        #expect(try await shuniu(["platforms", "set-operator-code", sm2.rawValue, Self.operatorCode(of: "demo-rsa"), "--data-dir", hub.dataDir, "--reason", "sold"]))
        try await expectRefused(try await client.send(body: body(3, for: sm2)), 403, "auth.certificate_holder_mismatch", on: hub, actor: sm2.rawValue)
        #expect(try await hub.store.auditEntries(limit: 1, action: "platform.operator_code").first?.detail.contains("sold") == true)
        try await hub.stop()
    }

    @Test("Removing a certificate stops it at once; it stays listed as removed; a new trust state is used at the next request")
    func removalAndTrustChanges() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let platform = Self.platform(for: "demo-rsa")
        try await register(platform, operatorCode: Self.operatorCode(of: "demo-rsa"), on: hub)
        #expect(try await addCertificate("leaves/demo-rsa/org-sign.pem", to: platform, on: hub))
        let client = try client("demo-rsa", "org-sign", on: hub)
        #expect(try await client.send(body: body(1, for: platform)).status == 200)

        // The trust list changes under the running hub (as a CRL refresh would swap it): the cached
        // verdict is not used any more. An empty trust list recognizes nobody.
        let original = hub.hub.trust.verification
        hub.hub.trust.replace(with: CertificateVerification(trust: TrustList(authorities: [])))
        try await expectRefused(try await client.send(body: body(2, for: platform)), 401, "auth.certificate_invalid", on: hub, actor: platform.rawValue)
        hub.hub.trust.replace(with: original)
        #expect(try await client.send(body: body(3, for: platform)).status == 200)

        let fingerprint = try fingerprint("demo-rsa", "org-sign")
        #expect(try await shuniu(["platforms", "certs", "list", platform.rawValue, "--data-dir", hub.dataDir, "--json"]))
        #expect(try await shuniu(["platforms", "certs", "remove", platform.rawValue, fingerprint.uppercased(), "--data-dir", hub.dataDir,
                                  "--operator", "li.si", "--reason", "key lost"]))
        try await expectRefused(try await client.send(body: body(4, for: platform)), 401, "auth.bad_signature", audited: "auth.unknown_certificate", on: hub)

        let all = try await hub.store.platformCertificates(platform, includingRemoved: true)
        #expect(all.count == 1 && all[0].removedBy == "li.si" && all[0].removedReason == "key lost")
        #expect(try await hub.store.platformCertificates(platform).isEmpty)
        let removal = try #require(try await hub.store.auditEntries(limit: 1, action: "platform.certificate.remove").first)
        #expect(removal.actor == "li.si" && removal.detail.contains(fingerprint))
        // Removing twice is refused; the same certificate can be registered again.
        #expect(try await shuniu(["platforms", "certs", "remove", platform.rawValue, fingerprint, "--data-dir", hub.dataDir]) == false)
        #expect(try await addCertificate("leaves/demo-rsa/org-sign.pem", to: platform, on: hub))
        #expect(try await client.send(body: body(5, for: platform)).status == 200)
        #expect(try await hub.store.verifyAuditChain().intact)
        try await hub.stop()
    }

    @Test("Ops/push-with-curl.sh signs with each CA's certificate, as a vendor would with openssl and curl alone", arguments: authorities)
    func curlScriptWithCertificate(ca: String) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let platform = Self.platform(for: ca)
        try await register(platform, operatorCode: Self.operatorCode(of: ca), on: hub)
        #expect(try await addCertificate("leaves/\(ca)/org-sign.pem", to: platform, on: hub))
        let file = folder.path + "/batch.json"
        try Data(body(1, for: platform)).write(to: URL(fileURLWithPath: file))
        let method = ["demo-rsa": "RSA-SHA256", "demo-ecdsa": "ECDSA-SHA256"][ca] ?? "SM2-SM3"
        let environment = ["SHUNIU_CERTIFICATE": Self.pki.path("leaves/\(ca)/org-sign.pem"), "SHUNIU_KEY": Self.pki.path("leaves/\(ca)/org-sign.key"),
                           "SHUNIU_SM2_ID": Self.sm2ID(of: ca)]
        let script = RepositoryPaths.root + "/Ops/push-with-curl.sh"
        let pushed = try await blocking { try ChildProcess.run("/bin/bash", [script, file, "-", method, hub.baseURL], environment: environment, timeout: 30) }
        #expect(pushed.status == 0 && pushed.output.contains("HTTP 200") && pushed.output.contains(#""accepted""#), "\(pushed.output)")
        // Signed with another key than the registered certificate's, it is refused.
        let wrongKey = environment.merging(["SHUNIU_KEY": Self.pki.path("leaves/\(ca)/person-sign.key")]) { $1 }
        let refused = try await blocking { try ChildProcess.run("/bin/bash", [script, file, "-", method, hub.baseURL], environment: wrongKey, timeout: 30) }
        #expect(refused.output.contains("HTTP 401") && refused.output.contains("auth.bad_signature"), "\(refused.output)")
        try await hub.stop()
    }

    @Test("shuniu push --certificate --key signs as the platform")
    func pushWithCertificate() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await startHub(in: folder)
        let platform = Self.platform(for: "demo-sm2")
        try await register(platform, operatorCode: Self.operatorCode(of: "demo-sm2"), on: hub)
        #expect(try await addCertificate("leaves/demo-sm2/org-sign.pem", to: platform, on: hub))
        let file = folder.path + "/batch.json"
        try Data(body(1, for: platform)).write(to: URL(fileURLWithPath: file))
        let outcome = try await CLI.run(["push", file, "--url", hub.baseURL, "--certificate", Self.pki.path("leaves/demo-sm2/org-sign.pem"),
                                         "--key", Self.pki.path("leaves/demo-sm2/org-sign.key")])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("HTTP 200"))
        // A key that is not the certificate's is refused before anything is sent.
        let mismatched = try await CLI.run(["push", file, "--url", hub.baseURL, "--certificate", Self.pki.path("leaves/demo-sm2/org-sign.pem"),
                                            "--key", Self.pki.path("leaves/demo-sm2/person-sign.key")])
        #expect(mismatched.status != 0 && mismatched.output.contains("not the key"), "\(mismatched.output)")
        try await hub.stop()
    }
}
