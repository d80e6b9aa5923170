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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [RepositoryPaths.root + "/Ops/make-test-pki.sh", folder, "--crl-base", crlBase]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestHubError(message: "Ops/make-test-pki.sh failed: \(String(decoding: output, as: UTF8.self))")
        }
        self.folder = folder
        self.cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/cases.json")))
    }
}
