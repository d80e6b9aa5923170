import Foundation
import ShuniuCore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Every case of the generated test PKI through the public verify service (a real hub on a
/// loopback port) and through `shuniu certs verify` (the real executable).
@Suite("Certificate verification over HTTP and the CLI", .testPKIPrepared)
struct CertificateServiceTests {
    static let pki = TestPKI.shared
    static let caseIDs = pki.cases.map(\.id)

    struct Answer: Decodable {
        struct Reason: Decodable { var code: String; var message: String }
        struct Identity: Decodable { var kind: String; var code: String; var codeType: String; var name: String }
        struct Authority: Decodable { var id: String }
        var valid: Bool
        var reasons: [Reason]
        var warnings: [Reason]
        var ca: Authority?
        var identity: Identity?
        var chain: [[String: String]]?
    }

    /// A hub whose trust list is the test PKI's and whose CRL cache holds `crls`.
    func hub(crls: [String], in folder: TemporaryDirectory) async throws -> RunningHub {
        for crl in crls {
            let target = folder.path + "/var/crl/" + (crl as NSString).lastPathComponent.replacingOccurrences(of: ".crl", with: "") + "-" + UUID().uuidString + ".crl"
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.pki.path(crl), toPath: target)
        }
        return try await RunningHub.start(dataDir: folder.path + "/var") { $0.certsDir = Self.pki.trustFolder }
    }

    func post(_ object: [String: Any], to hub: RunningHub) async throws -> (Int, Answer?, String) {
        let body = try JSONSerialization.data(withJSONObject: object)
        let response = try await CurlHTTPClient().send(OutgoingRequest(
            method: "POST", url: hub.baseURL + "/api/v1/certificates/verify", headers: [("Content-Type", "application/json")], body: [UInt8](body)
        ))
        return (response.status, try? JSONDecoder().decode(Answer.self, from: Data(response.body)), response.bodyText)
    }

    func pem(_ relative: String) throws -> String {
        try String(contentsOfFile: Self.pki.path(relative), encoding: .utf8)
    }

    @Test("Each case over HTTP: valid or refused with its reason, with CA, identity and chain", arguments: caseIDs)
    func overHTTP(id: String) async throws {
        let item = try #require(Self.pki.cases.first { $0.id == id })
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await hub(crls: item.crls, in: folder)
        defer { Task { try? await hub.stop() } }
        var request: [String: Any] = ["certificate": try pem(item.certificate), "chain": try item.chain.map(pem)]
        if let signature = item.signatures?.first {
            request["data"] = try Data(Self.pki.bytes(signature.data)).base64EncodedString()
            request["signature"] = try Data(Self.pki.bytes(signature.signature)).base64EncodedString()
            request["signatureFormat"] = signature.format
            request["algorithm"] = signature.format == "raw" ? signature.algorithm : nil
        }
        let (status, answer, text) = try await post(request, to: hub)
        #expect(status == 200, "\(text)")
        let verdict = try #require(answer, "\(text)")
        if item.expected == "valid" {
            #expect(verdict.valid, "\(id): \(verdict.reasons.map(\.message))")
            #expect(verdict.ca?.id == item.ca)
            #expect(verdict.identity?.code == item.identity?.code && verdict.identity?.codeType == item.identity?.codeType)
            #expect(verdict.identity?.name == item.identity?.name)
        } else {
            #expect(!verdict.valid)
            #expect(verdict.reasons.map(\.code).contains(item.expected), "\(id): \(verdict.reasons.map { "\($0.code) \($0.message)" })")
        }
        try await hub.stop()
    }

    @Test("Every signature of the test PKI verifies; over other data it does not")
    func signatures() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let crls = Set(Self.pki.cases.filter { $0.expected == "valid" && ($0.warnings ?? []).isEmpty }.flatMap(\.crls))
        let hub = try await hub(crls: Array(crls), in: folder)
        var checked = 0
        for item in Self.pki.cases where item.expected == "valid" {
            for signature in item.signatures ?? [] {
                var request: [String: Any] = [
                    "certificate": try pem(item.certificate), "chain": try item.chain.map(pem),
                    "data": try Data(Self.pki.bytes(signature.data)).base64EncodedString(),
                    "signature": try Data(Self.pki.bytes(signature.signature)).base64EncodedString(),
                ]
                if signature.format == "raw" { request["algorithm"] = signature.algorithm }
                let (_, good, goodText) = try await post(request, to: hub)
                #expect(good?.valid == true, "\(item.id) \(signature.signature): \(goodText)")
                request["data"] = Data("另一份文件".utf8).base64EncodedString()
                let (_, bad, _) = try await post(request, to: hub)
                #expect(bad?.valid == false && bad?.reasons.map(\.code) == ["signature"], "\(item.id) \(signature.signature)")
                checked += 1
            }
        }
        #expect(checked >= 8)
        try await hub.stop()
    }

    @Test("Bad requests get a 400 with the field, never a crash")
    func badRequests() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await hub(crls: [], in: folder)
        let cases: [([String: Any], String)] = [
            (["certificate": "bm90IGEgY2VydGlmaWNhdGU="], "certificate"),
            (["certificate": "%%%"], "certificate"),
            (["certificate": try pem("leaves/demo-rsa/org-sign.pem"), "at": "yesterday"], "at"),
            (["certificate": try pem("leaves/demo-rsa/org-sign.pem"), "data": "aGVsbG8="], "signature"),
            (["certificate": try pem("leaves/demo-rsa/org-sign.pem"), "data": "aGVsbG8=", "signature": "aGVsbG8=", "signatureFormat": "xml"], "signatureFormat"),
        ]
        for (request, field) in cases {
            let (status, _, text) = try await post(request, to: hub)
            #expect(status == 400, "\(request): \(text)")
            #expect(text.contains("request.invalid_certificate_check") && text.contains(field), "\(text)")
        }
        let response = try await CurlHTTPClient().send(OutgoingRequest(method: "POST", url: hub.baseURL + "/api/v1/certificates/verify", headers: [], body: Array("{".utf8)))
        #expect(response.status == 400 && response.bodyText.contains("request.malformed_json"))
        try await hub.stop()
    }

    @Test("A past time judges a certificate as it stood then: the expired one was valid before it expired")
    func verifyAtTime() async throws {
        let item = try #require(Self.pki.case("demo-rsa", "expired"))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let hub = try await hub(crls: item.crls, in: folder)
        let certificate = try pem(item.certificate)
        let (_, now, _) = try await post(["certificate": certificate], to: hub)
        #expect(now?.reasons.map(\.code).contains("expired") == true)
        // Its validity ended yesterday or earlier; a week before the end it was fine (CRLs aside).
        let (_, before, text) = try await post(["certificate": certificate, "at": "2026-01-01T00:00:00Z"], to: hub)
        #expect(before?.reasons.map(\.code).contains("expired") == false, "\(text)")
        try await hub.stop()
    }

    @Test("Each case through shuniu certs verify --json: exit status and reasons", arguments: caseIDs)
    func throughCLI(id: String) async throws {
        let item = try #require(Self.pki.cases.first { $0.id == id })
        var arguments = ["certs", "verify", Self.pki.path(item.certificate), "--certs", Self.pki.trustFolder, "--json", "--data-dir", "/nonexistent-shuniu-store"]
        for chain in item.chain { arguments += ["--chain", Self.pki.path(chain)] }
        for crl in item.crls { arguments += ["--crl", Self.pki.path(crl)] }
        let outcome = try await CLI.run(arguments)
        let json = outcome.output.drop { $0 != "{" }
        let answer = try JSONDecoder().decode(Answer.self, from: Data(json.utf8))
        #expect(answer.valid == (item.expected == "valid"), "\(id): \(outcome.output)")
        #expect(outcome.status == (item.expected == "valid" ? 0 : 1))
        if item.expected != "valid" {
            #expect(answer.reasons.map(\.code).contains(item.expected), "\(id): \(answer.reasons.map(\.code))")
        } else {
            #expect(answer.identity?.code == item.identity?.code)
        }
    }
}
