import Foundation
import Testing
@testable import ShuniuTrust

/// A root → intermediate → leaf PKI made with the `openssl` command in a temporary folder.
///
/// Each PKI has a signing leaf, an encryption-only leaf, a revoked leaf, CRLs of the root and of
/// the intermediate (valid 7 days from now), and a second, foreign root → intermediate → leaf
/// that the first one does not trust.
struct ChainTestPKI: Sendable {
    enum Algorithm: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case rsa, ecdsa, sm2
        var testDescription: String { rawValue }
    }

    static let distinguishingID = "1234567812345678"
    /// GM/T 0015 OrganizationCode extension (the CA puts a credit code there, with an `N` prefix).
    static let organizationCodeOID = "1.2.156.10260.4.1.4"
    static let organizationCode = "N91330000MA27XL0E2B"
    /// GM/T 0015 IdentifyCode extension, written as bare text rather than a DER string.
    static let identifyCodeOID = "1.2.156.10260.4.1.1"
    static let identifyCode = "11010519491231002X"
    static let crlURL = "http://crl.example.test/intermediate.crl"

    let algorithm: Algorithm
    let folder: URL
    let root: X509Certificate
    let intermediate: X509Certificate
    let leaf: X509Certificate
    let encryptionLeaf: X509Certificate
    let revokedLeaf: X509Certificate
    let rootCRL: X509CRL
    let intermediateCRL: X509CRL
    let foreignRoot: X509Certificate
    let foreignIntermediate: X509Certificate
    let foreignLeaf: X509Certificate

    /// Where the leaf's private key is, for signing test data.
    var leafKey: URL { folder.appendingPathComponent("leaf.key") }

    /// One folder per test process, removed when the process exits.
    static let runFolder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shuniu-trust-pki-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: ChainTestPKI.runFolder) }
        return folder
    }()

    /// One PKI per algorithm, made once per test run.
    static let shared: [Algorithm: Result<ChainTestPKI, any Error>] = {
        var all: [Algorithm: Result<ChainTestPKI, any Error>] = [:]
        for algorithm in Algorithm.allCases {
            all[algorithm] = Result { try ChainTestPKI(algorithm) }
        }
        return all
    }()

    static func get(_ algorithm: Algorithm) throws -> ChainTestPKI {
        guard let result = shared[algorithm] else { throw CocoaError(.featureUnsupported) }
        return try result.get()
    }

    /// The openssl options that sign with this algorithm's digest (and SM2 ID).
    static func signOptions(_ algorithm: Algorithm) -> [String] {
        switch algorithm {
        case .rsa, .ecdsa: ["-sha256"]
        case .sm2: ["-sm3", "-sigopt", "distid:\(distinguishingID)"]
        }
    }

    init(_ algorithm: Algorithm) throws {
        let folder = Self.runFolder.appendingPathComponent(algorithm.rawValue)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let maker = Maker(algorithm: algorithm, folder: folder)
        try maker.makeAll()
        self.algorithm = algorithm
        self.folder = folder
        root = try maker.load("root.pem")
        intermediate = try maker.load("int.pem")
        leaf = try maker.load("leaf.pem")
        encryptionLeaf = try maker.load("enc.pem")
        revokedLeaf = try maker.load("revoked.pem")
        foreignRoot = try maker.load("foreign-root.pem")
        foreignIntermediate = try maker.load("foreign-int.pem")
        foreignLeaf = try maker.load("foreign-leaf.pem")
        rootCRL = try X509CRL(Array(Data(contentsOf: folder.appendingPathComponent("root.crl"))))
        intermediateCRL = try X509CRL(Array(Data(contentsOf: folder.appendingPathComponent("int.crl"))))
    }

    /// The openssl commands that make the files.
    private struct Maker {
        var algorithm: Algorithm
        var folder: URL

        func makeAll() throws {
            try ChainTestPKI.config.write(to: folder.appendingPathComponent("pki.cnf"), atomically: true, encoding: .utf8)
            for file in ["root-index.txt", "int-index.txt"] {
                try "".write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
            for file in ["root-crlnumber", "int-crlnumber"] {
                try "01\n".write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
            let name = algorithm.rawValue.uppercased()
            try makeRoot("root", subject: "/C=CN/O=Shuniu Test \(name)/CN=Shuniu Test \(name) Root")
            try issue("int", subject: "/C=CN/O=Shuniu Test \(name)/CN=Shuniu Test \(name) Intermediate", by: "root", serial: "0x02", days: 3650, extensions: "x_int")
            try issue("leaf", subject: "/C=CN/O=测试招标代理有限公司/OU=91330000MA27XL0E2B/CN=张三/serialNumber=91330000MA27XL0E2B", by: "int", serial: "0x1001", days: 365, extensions: "x_sign")
            try issue("enc", subject: "/C=CN/O=测试招标代理有限公司/CN=张三 encryption", by: "int", serial: "0x1002", days: 365, extensions: "x_enc")
            try issue("revoked", subject: "/C=CN/O=测试招标代理有限公司/CN=李四", by: "int", serial: "0x1003", days: 365, extensions: "x_sign")
            try makeRoot("foreign-root", subject: "/C=CN/O=Elsewhere \(name)/CN=Elsewhere \(name) Root")
            try issue("foreign-int", subject: "/C=CN/O=Elsewhere \(name)/CN=Elsewhere \(name) Intermediate", by: "foreign-root", serial: "0x02", days: 3650, extensions: "x_int")
            try issue("foreign-leaf", subject: "/C=CN/O=Elsewhere \(name)/CN=Someone", by: "foreign-int", serial: "0x1001", days: 365, extensions: "x_sign")

            let signing = ChainTestPKI.signOptions(algorithm)
            // `openssl ca` signs CRLs with -md and takes the SM2 ID through -sigopt.
            let md = algorithm == .sm2 ? ["-md", "sm3"] + Array(signing.dropFirst()) : ["-md", "sha256"]
            try run(["ca", "-config", "pki.cnf", "-name", "ca_int", "-keyfile", "int.key", "-cert", "int.pem", "-revoke", "revoked.pem", "-crl_reason", "keyCompromise"])
            try run(["ca", "-batch", "-config", "pki.cnf", "-name", "ca_int", "-keyfile", "int.key", "-cert", "int.pem", "-gencrl", "-crldays", "7", "-out", "int.crl"] + md)
            try run(["ca", "-batch", "-config", "pki.cnf", "-name", "ca_root", "-keyfile", "root.key", "-cert", "root.pem", "-gencrl", "-crldays", "7", "-out", "root.crl"] + md)
        }

        func generateKey(_ name: String) throws {
            let options: [String] = switch algorithm {
            case .rsa: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
            case .ecdsa: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .sm2: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2"]
            }
            try run(["genpkey"] + options + ["-out", "\(name).key"])
        }

        func makeRoot(_ name: String, subject: String) throws {
            try generateKey(name)
            try run(["req", "-x509", "-new", "-utf8", "-key", "\(name).key", "-subj", subject, "-days", "3650", "-set_serial", "0x01",
                     "-config", "pki.cnf", "-extensions", "x_root", "-out", "\(name).pem"] + ChainTestPKI.signOptions(algorithm))
        }

        func issue(_ name: String, subject: String, by issuer: String, serial: String, days: Int, extensions: String) throws {
            try generateKey(name)
            let signing = ChainTestPKI.signOptions(algorithm)
            try run(["req", "-new", "-utf8", "-key", "\(name).key", "-subj", subject, "-config", "pki.cnf", "-out", "\(name).csr"] + signing)
            // SM2: -sigopt signs with the ID and -vfyopt checks the request's own SM2 signature with it.
            let verify = algorithm == .sm2 ? ["-vfyopt", "distid:\(ChainTestPKI.distinguishingID)"] : []
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key", "-set_serial", serial,
                     "-days", "\(days)", "-extfile", "pki.cnf", "-extensions", extensions, "-out", "\(name).pem"] + signing + verify)
        }

        func load(_ file: String) throws -> X509Certificate {
            try X509Certificate(Array(Data(contentsOf: folder.appendingPathComponent(file))))
        }

        func run(_ arguments: [String]) throws {
            try OpenSSLCommand.run(arguments, in: folder)
        }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        try OpenSSLCommand.run(arguments, in: folder)
    }

    /// Bytes of a file in the PKI folder.
    func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(file)))
    }

    /// Writes `bytes` to a file in the PKI folder and returns its name.
    @discardableResult
    func write(_ bytes: [UInt8], to file: String) throws -> String {
        try Data(bytes).write(to: folder.appendingPathComponent(file))
        return file
    }

    fileprivate static let config = """
    [req]
    distinguished_name = dn
    [dn]
    [x_root]
    basicConstraints = critical,CA:TRUE
    keyUsage = critical,keyCertSign,cRLSign
    subjectKeyIdentifier = hash
    [x_int]
    basicConstraints = critical,CA:TRUE,pathlen:0
    keyUsage = critical,keyCertSign,cRLSign
    subjectKeyIdentifier = hash
    authorityKeyIdentifier = keyid:always
    [x_sign]
    basicConstraints = CA:FALSE
    keyUsage = critical,digitalSignature,nonRepudiation
    subjectKeyIdentifier = hash
    authorityKeyIdentifier = keyid:always
    crlDistributionPoints = URI:\(crlURL)
    \(organizationCodeOID) = ASN1:UTF8String:\(organizationCode)
    \(identifyCodeOID) = DER:\(Array(identifyCode.utf8).map { String(format: "%02X", $0) }.joined())
    [x_enc]
    basicConstraints = CA:FALSE
    keyUsage = critical,keyEncipherment,dataEncipherment,keyAgreement
    subjectKeyIdentifier = hash
    authorityKeyIdentifier = keyid:always
    [ca_root]
    database = root-index.txt
    crlnumber = root-crlnumber
    default_md = sha256
    crl_extensions = x_crl
    [ca_int]
    database = int-index.txt
    crlnumber = int-crlnumber
    default_md = sha256
    crl_extensions = x_crl
    [x_crl]
    authorityKeyIdentifier = keyid:always

    """
}
