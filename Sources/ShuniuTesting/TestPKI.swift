import Foundation

/// The project's own test PKI (`Ops/make-test-pki.sh`), generated once per test process into a
/// temporary folder: three recognized CAs (RSA, ECDSA, SM2) in the `Certs/` layout, their CRLs,
/// leaves for every case, signatures, and `cases.json` saying what each case must give.
public final class TestPKI: Sendable {
    public let folder: String
    public let cases: [Case]

    public struct Case: Decodable, Sendable {
        public struct Identity: Decodable, Sendable, Hashable {
            public var kind: String
            public var code: String
            public var codeType: String
            public var name: String
        }

        public struct Signature: Decodable, Sendable {
            public var data: String
            public var signature: String
            public var format: String
            public var algorithm: String
        }

        public var name: String
        public var ca: String?
        public var certificate: String
        public var chain: [String]
        public var crls: [String]
        public var expected: String
        public var warnings: [String]?
        public var identity: Identity?
        public var signatures: [Signature]?

        /// `demo-rsa/org-sign`.
        public var id: String { "\(ca ?? "none")/\(name)" }
    }

    /// The trust list folder (`Certs/` layout).
    public var trustFolder: String { folder + "/trust" }

    public func path(_ relative: String) -> String { folder + "/" + relative }

    public func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    public func `case`(_ ca: String?, _ name: String) -> Case? {
        cases.first { $0.ca == ca && $0.name == name }
    }

    /// Generated on first use; the folder lives until the process ends.
    public static let shared: TestPKI = {
        do {
            return try TestPKI(crlBase: "http://127.0.0.1:18480/crl")
        } catch {
            fatalError("the test PKI could not be generated: \(error)")
        }
    }()

    /// Generates a fresh PKI whose certificates point their CRL distribution points at `crlBase`.
    public init(crlBase: String) throws {
        let folder = NSTemporaryDirectory() + "shuniu-pki-\(UUID().uuidString)"
        try Self.run("/bin/bash", [RepositoryPaths.root + "/Ops/make-test-pki.sh", folder, "--crl-base", crlBase], name: "Ops/make-test-pki.sh")
        self.folder = folder
        self.cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/cases.json")))
    }

    /// Issues a fresh DER CRL of `ca`'s `authority` (`intermediate` or `root`), valid from now for
    /// `seconds`, with the revocations made so far (`openssl ca -gencrl` over the PKI's own CA
    /// database, as Ops/make-test-pki.sh does). One at a time per CA: the database is a file.
    public func issueCRL(ca: String, authority: String = "intermediate", validForSeconds seconds: Int) throws -> [UInt8] {
        let directory = path("work/\(ca)/\(authority)")
        let spec = try String(contentsOfFile: directory + "/spec", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let digest = try String(contentsOfFile: directory + "/md", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pem = NSTemporaryDirectory() + "shuniu-crl-\(UUID().uuidString).pem"
        let der = pem + ".der"
        defer {
            try? FileManager.default.removeItem(atPath: pem)
            try? FileManager.default.removeItem(atPath: der)
        }
        let signing = spec == "sm2" ? ["-sigopt", "distid:1234567812345678"] : []
        try Self.openssl(["ca", "-config", path("work/ca.cnf"), "-batch", "-gencrl", "-crlsec", String(seconds), "-out", pem] + signing,
                         environment: ["CA_DIR": directory, "CA_MD": digest])
        try Self.openssl(["crl", "-in", pem, "-outform", "DER", "-out", der], environment: [:])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: der)))
    }

    private static func openssl(_ arguments: [String], environment: [String: String]) throws {
        try run("/usr/bin/env", ["openssl"] + arguments, environment: environment, name: "openssl \(arguments.first ?? "")")
    }

    /// Runs a command to its end; its output becomes the error's message when it fails.
    private static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], name: String) throws {
        let (status, output) = try ChildProcess.run(executable, arguments, environment: environment)
        guard status == 0 else {
            throw TestHubError(message: "\(name) failed: \(output)")
        }
    }
}
