import Foundation
import ShuniuTesting
import ShuniuTrust

/// Chain verifications per second with a cached trust store, per algorithm, beside the raw
/// signature speed `openssl speed` measures for the same algorithms in the same run.
struct CertificateBenchmark {
    let options: BenchmarkOptions

    func run() throws {
        let pki = try TestPKI(crlBase: "http://127.0.0.1:9/crl")
        let trust = TrustList.load(directory: pki.trustFolder)
        let rounds = max(options.batches * 10, 100)
        print("chain verification, one thread, \(rounds) verifications of each CA's organization leaf (leaf → intermediate → root)")
        print("CA          LEAF KEY      CHAIN ONLY/s  WITH CRLs (hub)/s  µs per verification (hub)")
        for id in ["demo-rsa", "demo-ecdsa", "demo-sm2"] {
            guard let authority = trust.authority(id: id), let item = pki.case(id, "org-sign") else { continue }
            let leaf = try X509Certificate(pki.bytes(item.certificate))
            let crls = try item.crls.map { try X509CRL(pki.bytes($0)) }
            let chainOnly = try ChainVerifier(
                anchors: authority.roots, intermediates: authority.intermediates,
                options: .init(sm2DistinguishingID: authority.manifest.sm2ID, revocation: ChainVerifier.RevocationCheck.none)
            )
            let hub = CertificateVerification(trust: trust, crls: crls)
            guard chainOnly.verify(leaf, purpose: .signing).isValid, hub.verify(leaf).valid else {
                throw BenchmarkError("\(id) org-sign does not verify; the figures would mean nothing")
            }
            let plain = rate(rounds) { _ = chainOnly.verify(leaf, purpose: .signing) }
            let full = rate(rounds) { _ = hub.verify(leaf) }
            print("\(id.padding(toLength: 10, withPad: " ", startingAt: 0))  \(leaf.publicKeyAlgorithm.description.padding(toLength: 12, withPad: " ", startingAt: 0))  \(String(Int(plain)).padding(toLength: 12, withPad: " ", startingAt: 0))  \(String(Int(full)).padding(toLength: 17, withPad: " ", startingAt: 0))  \(Int(1_000_000 / full))")
        }
        print("\nopenssl speed -seconds 3 (same machine, same run): signatures per second")
        print(try opensslSpeed())
    }

    private func rate(_ rounds: Int, _ work: () -> Void) -> Double {
        let start = Date()
        for _ in 0..<rounds { work() }
        return Double(rounds) / Date().timeIntervalSince(start)
    }

    /// `openssl speed -mr` lines turned into a small table.
    private func opensslSpeed() throws -> String {
        let (_, output) = try ChildProcess.run("/usr/bin/openssl", ["speed", "-seconds", "3", "-mr", "rsa2048", "ecdsap256", "ecdsap384", "sm2"])
        var lines = ["ALGORITHM     SIGN/s    VERIFY/s"]
        for line in output.split(separator: "\n") where line.hasPrefix("+F") {
            let fields = line.split(separator: ":")
            let name: String
            switch fields.first {
            case "+F2": name = "RSA-\(fields[2])"
            case "+F4": name = "ECDSA P-\(fields[2])"
            case "+F7": name = "SM2"
            default: continue
            }
            guard let sign = Double(fields[fields.count - 2]), let verify = Double(fields[fields.count - 1]) else { continue }
            lines.append("\(name.padding(toLength: 12, withPad: " ", startingAt: 0))  \(String(Int(sign)).padding(toLength: 8, withPad: " ", startingAt: 0))  \(Int(verify))")
        }
        return lines.joined(separator: "\n")
    }
}
