import Foundation
import Testing
@testable import ShuniuTrust

/// The independent SM2 material in ../shared/testdata/pki (SHUNIU_PKI_TESTDATA overrides),
/// when present: fresh clones do not have it, and then these tests are skipped.
enum ExternalPKIMaterial {
    static let folder: URL = {
        if let path = ProcessInfo.processInfo.environment["SHUNIU_PKI_TESTDATA"] {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        // Tests/ShuniuTrustTests/<this file> → the package root → its sibling shared folder.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/testdata/pki", isDirectory: true)
    }()

    static var sm2: URL { folder.appendingPathComponent("sm2") }

    static var hasSM2: Bool {
        FileManager.default.fileExists(atPath: sm2.appendingPathComponent("sm2-manifest.json").path)
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: sm2.appendingPathComponent(relative)))
    }
}

@Suite("Tongsuo SM2 chains (external material)", .enabled(if: ExternalPKIMaterial.hasSM2, "../shared/testdata/pki/sm2 is absent"))
struct TongsuoSM2Tests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            var id: String
            var leaf: String
            var chain_file: String?
            var trusted: [String]?
            var validation_time: String?
            var ground_truth: String
        }

        var sm2_default_id: String
        var cases: [Case]
    }

    private static let defaultTime = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z

    /// Anchors and intermediates from a chain file: the self-signed certificates are the anchors.
    private func split(_ chainFile: String) throws -> (anchors: [X509Certificate], intermediates: [X509Certificate]) {
        let all = try X509Certificate.bundle(ExternalPKIMaterial.bytes(chainFile))
        return (all.filter(\.isSelfSigned), all.filter { !$0.isSelfSigned })
    }

    @Test("Every manifest case reaches its ground truth")
    func manifestCases() throws {
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(ExternalPKIMaterial.bytes("sm2-manifest.json")))
        #expect(manifest.cases.count >= 6)
        for testCase in manifest.cases {
            var anchors = try (testCase.trusted ?? []).map { try X509Certificate(ExternalPKIMaterial.bytes($0)) }
            var intermediates: [X509Certificate] = []
            if let chainFile = testCase.chain_file?.split(separator: " ").first.map(String.init) {
                let parts = try split(chainFile)
                anchors += parts.anchors
                intermediates += parts.intermediates
            }
            let time = testCase.validation_time.flatMap { ISO8601DateFormatter().date(from: $0) } ?? Self.defaultTime
            let verifier = try ChainVerifier(anchors: anchors, intermediates: intermediates, options: .init(sm2DistinguishingID: manifest.sm2_default_id))
            let verdict = verifier.verify(try X509Certificate(ExternalPKIMaterial.bytes(testCase.leaf)), at: time)
            #expect(verdict.isValid == testCase.ground_truth.hasPrefix("SUCCESS"), "\(testCase.id): \(verdict.reasons)")
        }
    }

    @Test("A certificate signed without Z_A fails on its signature")
    func withoutZA() throws {
        let root = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2-noza-root-cert.pem"))
        let leaf = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2-noza-cert.pem"))
        let verdict = try ChainVerifier(anchors: [root]).verify(leaf, at: Self.defaultTime)
        #expect(verdict.codes == [.badSignature])
        #expect(!leaf.isSigned(by: root))
    }

    @Test("Tongsuo's encryption certificates verify as certificates but never as signers")
    func encryptionPair() throws {
        let parts = try split("tongsuo/sm2/chain-ca.crt")
        let verifier = try ChainVerifier(anchors: parts.anchors, intermediates: parts.intermediates)
        let sign = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2/server_sign.crt"))
        let enc = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2/server_enc.crt"))
        #expect(sign.publicKeyAlgorithm == .sm2)
        #expect(verifier.verify(sign, at: Self.defaultTime, purpose: .signing).isValid)
        #expect(verifier.verify(enc, at: Self.defaultTime, purpose: .any).isValid)
        #expect(verifier.verify(enc, at: Self.defaultTime, purpose: .signing).codes == [.keyUsage])
        let expired = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2/server_sign_expire.crt"))
        #expect(verifier.verify(expired, at: Self.defaultTime).codes == [.expired])
        let otherSubCA = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2/server_sign2.crt"))
        #expect(verifier.verify(otherSubCA, at: Self.defaultTime).codes == [.brokenChain])
    }

    @Test("A raw SM2 signature made with Tongsuo's test key verifies with its certificate")
    func rawSignatureWithTongsuoKey() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shuniu-tongsuo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Array("SM2 test message".utf8)
        try Data(data).write(to: folder.appendingPathComponent("data"))
        let key = ExternalPKIMaterial.sm2.appendingPathComponent("tongsuo/sm2/server_sign.key").path
        try OpenSSLCommand.run(["dgst", "-sm3", "-sign", key, "-sigopt", "distid:\(SM2.defaultDistinguishingID)", "-out", "sig", "data"], in: folder)
        let signature = Array(try Data(contentsOf: folder.appendingPathComponent("sig")))
        let certificate = try X509Certificate(ExternalPKIMaterial.bytes("tongsuo/sm2/server_sign.crt"))
        #expect(try SignatureVerification.verify(signature, over: data, certificate: certificate, scheme: .sm2Default))
        #expect(try !SignatureVerification.verify(signature, over: data + [0], certificate: certificate, scheme: .sm2Default))
    }
}
