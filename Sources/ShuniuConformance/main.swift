// shuniu-conformance FOLDER [--verbose]: runs ShuniuTrust's chain verification over independent PKI test
// material (NIST PKITS and the Tongsuo SM2 chains, see FOLDER/README.md) and prints every
// disagreement with the expected outcome, then "N passed, N failed" per suite.
//
// Exit status: 0 when the PKITS core tier and the SM2 suite agree completely, 1 otherwise,
// 2 when the folder cannot be read. Other PKITS tiers are reported but do not fail the run.

import Foundation
import ShuniuTrust

/// `--verbose`: print every case, not only disagreements.
let verbose = CommandLine.arguments.contains("--verbose")

/// One suite's tally.
struct Tally {
    var name: String
    var passed = 0
    var failed = 0
    var gates: Bool

    mutating func record(_ id: String, expected: Bool, verdict: ChainVerdict?, loadError: String? = nil) {
        let got = verdict?.isValid ?? false
        let why = loadError ?? verdict.map { $0.reasons.isEmpty ? "no reasons" : $0.reasons.map(\.message).joined(separator: "; ") } ?? ""
        if got == expected {
            passed += 1
            if verbose { print("  agree    \(name) \(id): \(got ? "SUCCESS" : "FAILURE") — \(why)") }
            return
        }
        failed += 1
        print("  DISAGREE \(name) \(id): expected \(expected ? "SUCCESS" : "FAILURE"), got \(got ? "SUCCESS" : "FAILURE") — \(why)")
    }

    func report() {
        print("\(name): \(passed) passed, \(failed) failed")
    }
}

enum RunnerError: Error, CustomStringConvertible {
    case unreadable(String)
    var description: String {
        switch self { case .unreadable(let text): text }
    }
}

func readBytes(_ url: URL) throws -> [UInt8] {
    do {
        return Array(try Data(contentsOf: url))
    } catch {
        throw RunnerError.unreadable("cannot read \(url.path): \(error.localizedDescription)")
    }
}

func parseTime(_ text: String?) -> Date? {
    guard let text else { return nil }
    return ISO8601DateFormatter().date(from: text)
}

// MARK: NIST PKITS

struct PKITSManifest: Decodable {
    struct Case: Decodable {
        var id: String
        var ee: String
        var intermediates: [String]
        var crls: [String]
        var expected: String
        var tier: String
    }

    var trust_anchor: String
    var always_crls: [String]
    var validation_time: String
    var testcases: [Case]
}

func runPKITS(_ folder: URL) throws -> [Tally] {
    let base = folder.appendingPathComponent("nist-pkits")
    let manifest = try JSONDecoder().decode(PKITSManifest.self, from: Data(contentsOf: base.appendingPathComponent("pkits-manifest.json")))
    guard let time = parseTime(manifest.validation_time) else { throw RunnerError.unreadable("bad validation_time \(manifest.validation_time)") }
    let anchor = try X509Certificate(readBytes(base.appendingPathComponent(manifest.trust_anchor)))
    // Each tier turns on what OpenSSL needs to match PKITS there (README: modes A, B, C).
    let tiers = ["core", "policy", "extended-crl", "openssl-divergent"]
    var tallies: [String: Tally] = [:]
    for tier in tiers {
        tallies[tier] = Tally(name: "pkits/\(tier)", gates: tier == "core")
    }
    for testCase in manifest.testcases {
        let tier = tiers.contains(testCase.tier) ? testCase.tier : "core"
        let options = ChainVerifier.Options(
            revocation: .wholeChain,
            policyCheck: tier != "core",
            extendedCRLSupport: tier == "extended-crl" || tier == "openssl-divergent"
        )
        let expected = testCase.expected == "SUCCESS"
        do {
            let leaf = try X509Certificate(readBytes(base.appendingPathComponent("certs").appendingPathComponent(testCase.ee)))
            let intermediates = try testCase.intermediates.map { try X509Certificate(readBytes(base.appendingPathComponent("certs").appendingPathComponent($0))) }
            let crls = try (manifest.always_crls + testCase.crls.map { "crls/\($0)" }).map { try X509CRL(readBytes(base.appendingPathComponent($0))) }
            let verifier = try ChainVerifier(anchors: [anchor], crls: crls, options: options)
            let verdict = verifier.verify(leaf, untrusted: intermediates, at: time)
            tallies[tier]?.record(testCase.id, expected: expected, verdict: verdict)
        } catch let error as RunnerError {
            throw error
        } catch {
            // Material our parser refuses counts as a refusal.
            tallies[tier]?.record(testCase.id, expected: expected, verdict: nil, loadError: "not loaded: \(error)")
        }
    }
    return tiers.compactMap { tallies[$0] }
}

// MARK: SM2 (Tongsuo)

struct SM2Manifest: Decodable {
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

/// Cases the manifest states in its notes rather than as entries, plus the signer rule that the
/// README states as fact 4 (an encryption certificate is never a signer).
struct DerivedSM2Case {
    var id: String
    var leaf: String
    var chainFile: String
    var expected: Bool
    var purpose: ChainVerifier.Purpose
}

func runSM2(_ folder: URL) throws -> Tally {
    let base = folder.appendingPathComponent("sm2")
    let manifest = try JSONDecoder().decode(SM2Manifest.self, from: Data(contentsOf: base.appendingPathComponent("sm2-manifest.json")))
    let options = ChainVerifier.Options(sm2DistinguishingID: manifest.sm2_default_id)
    // The PKITS validation time, for cases that give none (every certificate is valid then).
    let defaultTime = parseTime("2025-01-01T00:00:00Z") ?? Date()
    var tally = Tally(name: "sm2", gates: true)

    func check(id: String, leafPath: String, chainFile: String?, trusted: [String], time: Date, expected: Bool, purpose: ChainVerifier.Purpose) {
        do {
            let leaf = try X509Certificate(readBytes(base.appendingPathComponent(leafPath)))
            var anchors = try trusted.map { try X509Certificate(readBytes(base.appendingPathComponent($0))) }
            var intermediates: [X509Certificate] = []
            if let chainFile {
                // A chain file holds the CA certificates: the self-signed ones are the anchors.
                for certificate in try X509Certificate.bundle(readBytes(base.appendingPathComponent(chainFile))) {
                    if certificate.isSelfSigned { anchors.append(certificate) } else { intermediates.append(certificate) }
                }
            }
            let verifier = try ChainVerifier(anchors: anchors, intermediates: intermediates, options: options)
            tally.record(id, expected: expected, verdict: verifier.verify(leaf, at: time, purpose: purpose))
        } catch {
            tally.record(id, expected: expected, verdict: nil, loadError: "not loaded: \(error)")
        }
    }

    for testCase in manifest.cases {
        // "tongsuo/sm2/chain-ca.crt (cert 1 = …)": the path is the first word.
        let chainFile = testCase.chain_file.flatMap { $0.split(separator: " ").first.map(String.init) }
        check(id: testCase.id, leafPath: testCase.leaf, chainFile: chainFile, trusted: testCase.trusted ?? [],
              time: parseTime(testCase.validation_time) ?? defaultTime, expected: testCase.ground_truth.hasPrefix("SUCCESS"), purpose: .any)
    }
    let chain = "tongsuo/sm2/chain-ca.crt"
    var derived: [DerivedSM2Case] = []
    for name in ["client_sign", "client_enc", "server_enc"] {
        derived.append(DerivedSM2Case(id: "notes:\(name)", leaf: "tongsuo/sm2/\(name).crt", chainFile: chain, expected: true, purpose: .any))
    }
    for name in ["client_sign_expire", "client_enc_expire", "server_enc_expire"] {
        derived.append(DerivedSM2Case(id: "notes:\(name)", leaf: "tongsuo/sm2/\(name).crt", chainFile: chain, expected: false, purpose: .any))
    }
    for name in ["server_sign2", "server_enc2"] {
        derived.append(DerivedSM2Case(id: "notes:\(name)-other-subca", leaf: "tongsuo/sm2/\(name).crt", chainFile: chain, expected: false, purpose: .any))
    }
    for name in ["server_sign", "client_sign"] {
        derived.append(DerivedSM2Case(id: "signer:\(name)", leaf: "tongsuo/sm2/\(name).crt", chainFile: chain, expected: true, purpose: .signing))
    }
    for name in ["server_enc", "client_enc"] {
        derived.append(DerivedSM2Case(id: "signer:\(name)-refused", leaf: "tongsuo/sm2/\(name).crt", chainFile: chain, expected: false, purpose: .signing))
    }
    for item in derived {
        check(id: item.id, leafPath: item.leaf, chainFile: item.chainFile, trusted: [], time: defaultTime, expected: item.expected, purpose: item.purpose)
    }
    return tally
}

// MARK: main

let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--verbose" }
guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
    FileHandle.standardError.write(Data("usage: shuniu-conformance FOLDER [--verbose]   (e.g. ../shared/testdata/pki)\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: path, isDirectory: true)
var tallies: [Tally] = []
do {
    print("NIST PKITS (\(folder.appendingPathComponent("nist-pkits").path))")
    tallies += try runPKITS(folder)
    print("SM2 (\(folder.appendingPathComponent("sm2").path))")
    tallies.append(try runSM2(folder))
} catch {
    FileHandle.standardError.write(Data("shuniu-conformance: \(error)\n".utf8))
    exit(2)
}
print("")
tallies.forEach { $0.report() }
exit(tallies.contains { $0.gates && $0.failed > 0 } ? 1 : 0)
