import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTrust

/// `shuniu certs`: the CA trust list and certificate checks.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "The recognized CAs (Certs/) and certificate verification.",
        subcommands: [List.self, Verify.self, CRL.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recognized CAs, their certificates' expiry, their CRLs' freshness, and what needs attention within 30 days.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "Warn about anything ending within this many days.") var warnDays = 30
        @Option(name: .long, help: "The trust list folder (default: paths.certs, ./Certs).") var certs: String?

        func run() async throws {
            let configuration = try hub.configuration()
            let trust = TrustList.load(directory: certs ?? configuration.certsDir)
            let now = Date()
            // Reads each CA's status.json in the cache (written by the daemon and by `certs crl refresh`).
            let crls = CRLRefresher(trust: trust, cache: CRLCache(folder: configuration.crlDir), settings: configuration.crl)
            let views = trust.authorities.map { CAView($0, crls: crls.sources(of: $0.id), now: now, warnDays: warnDays) }
            if output.json {
                try Output.json(CertsListing(authorities: views, refused: trust.refused))
            } else {
                if !views.isEmpty { print(Output.table(
                    ["CA", "NAME", "KEYS", "RECOGNIZED", "CERTIFICATES", "FIRST EXPIRY", "CRL WHEN STALE", "CRL"],
                    views.map { [$0.id, $0.name, $0.keyAlgorithms.joined(separator: ","), "\($0.recognizedSince)…\($0.recognizedUntil)",
                                 String($0.certificates.count), $0.certificates.map(\.notAfter).min().map(Output.time) ?? "-", $0.whenStale, $0.crlFreshness] }
                )) }
                for view in views { view.warnings.forEach { print("⚠ \(view.id): \($0)") } }
                trust.refused.forEach { print("✗ refused: \($0)") }
                if views.isEmpty && trust.refused.isEmpty {
                    print("no CA is recognized in \(certs ?? configuration.certsDir): add one as a folder with its ca.yaml and certificates (see Certs/README.md), then `shuniu certs list` again")
                }
            }
            if !trust.refused.isEmpty { throw ExitCode(1) }
        }
    }
}

extension CertsCommand {
    /// `shuniu certs verify`: the same check as `POST /api/v1/certificates/verify`, offline.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a certificate (and a detached signature made with it) against the trust list; exit 1 when not valid.",
            discussion: "CRLs come from the hub's cache (<data-dir>/crl) and --crl files."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The certificate, PEM or DER.") var file: String
        @Option(name: .long, help: "Extra chain certificates (PEM or DER), repeatable.") var chain: [String] = []
        @Option(name: .long, help: "The signed data.") var data: String?
        @Option(name: .long, help: "A detached signature of --data: raw, or CMS/PKCS#7 DER.") var signature: String?
        @Option(name: .long, help: "raw or cms (guessed when absent).") var signatureFormat: String?
        @Option(name: .long, help: "Raw signature algorithm: rsa-pkcs1-sha256, rsa-pss-sha256, ecdsa-sha256, ecdsa-sha384, sm2-sm3.") var algorithm: String?
        @Option(name: .long, help: "CRL files to use besides the cache, repeatable.") var crl: [String] = []
        @Option(name: .long, help: "Judge at this time: ISO 8601 or yyyyMMddHHmmss (Beijing). Default now.") var at: String?
        @Option(name: .long, help: "The trust list folder (default: paths.certs, ./Certs).") var certs: String?

        func run() async throws {
            let configuration = try hub.configuration()
            let trust = TrustList.load(directory: certs ?? configuration.certsDir)
            trust.refused.forEach { FileHandle.standardError.write(Data("refused CA: \($0)\n".utf8)) }
            var crls = CRLFolder.load(configuration.crlDir).crls
            for path in crl { crls.append(try X509CRL(read(path))) }
            let check = CertificateCheck(
                certificate: try text(file), chain: try chain.map(text),
                data: try data.map { Data(try read($0)).base64EncodedString() },
                signature: try signature.map { Data(try read($0)).base64EncodedString() },
                signatureFormat: signatureFormat, algorithm: algorithm, at: at
            )
            let verdict: CertificateVerdict
            do {
                verdict = try check.run(with: CertificateVerification(trust: trust, crls: crls))
            } catch {
                throw CLIFailure(error.description)
            }
            if output.json {
                try Output.json(verdict)
            } else {
                print(verdict.valid ? "valid" : "NOT valid")
                if let ca = verdict.ca { print("CA: \(ca.id) (\(ca.name))") }
                if let identity = verdict.identity { print("holder: \(identity.name), \(identity.kind.rawValue) \(identity.codeType.rawValue) \(identity.code)") }
                verdict.reasons.forEach { print("✗ \($0.code): \($0.message)") }
                verdict.warnings.forEach { print("⚠ \($0.code): \($0.message)") }
                for (depth, entry) in verdict.chain.enumerated() { print("  [\(depth)] \(entry.subject)  (\(entry.keyAlgorithm), until \(Output.time(entry.notAfter)))") }
            }
            if !verdict.valid { throw ExitCode(1) }
        }

        private func read(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read \(path)") }
            return [UInt8](data)
        }

        /// PEM as it is; DER as base64, as the HTTP service takes it.
        private func text(_ path: String) throws -> String {
            let bytes = try read(path)
            let asText = String(decoding: bytes, as: UTF8.self)
            return asText.contains("-----BEGIN") ? asText : Data(bytes).base64EncodedString()
        }
    }
}

/// What `certs list --json` prints.
struct CertsListing: Encodable {
    var authorities: [CAView]
    var refused: [Diagnostic]
}

/// One recognized CA as `certs list` shows it.
struct CAView: Encodable {
    struct Certificate: Encodable {
        var subject: String
        var serial: String
        var notAfter: Date
        var root: Bool
    }

    var id: String
    var name: String
    var keyAlgorithms: [String]
    var recognizedSince: String
    var recognizedUntil: String
    var whenStale: String
    var certificates: [Certificate]
    /// Every CRL URL known for the CA and its fetches.
    var crls: [CRLSource]
    /// `fresh until …`, `stale since …`, `never fetched`, with the last error when one failed.
    var crlFreshness: String
    var warnings: [String]

    init(_ authority: RecognizedCA, crls: [CRLSource], now: Date, warnDays: Int) {
        id = authority.id
        name = authority.manifest.name
        keyAlgorithms = authority.manifest.keyAlgorithms.map(\.rawValue)
        recognizedSince = authority.manifest.recognizedSince.description
        recognizedUntil = authority.manifest.recognizedUntil.description
        whenStale = authority.manifest.crl.whenStale.rawValue
        certificates = authority.roots.map { Certificate(subject: $0.subject, serial: $0.serialHex, notAfter: $0.notAfter, root: true) }
            + authority.intermediates.map { Certificate(subject: $0.subject, serial: $0.serialHex, notAfter: $0.notAfter, root: false) }
        let horizon = now.addingTimeInterval(Double(warnDays) * 86_400)
        var warnings: [String] = []
        for certificate in certificates where certificate.notAfter < horizon {
            warnings.append(certificate.notAfter < now
                ? "\(certificate.root ? "root" : "intermediate") \(certificate.subject) expired on \(Output.time(certificate.notAfter))"
                : "\(certificate.root ? "root" : "intermediate") \(certificate.subject) expires on \(Output.time(certificate.notAfter))")
        }
        self.crls = crls
        crlFreshness = Self.freshness(of: crls, at: now)
        for source in crls {
            if let error = source.lastError {
                warnings.append("CRL \(source.url): \(error) (\(source.failures) failures in a row; \(source.freshness(at: now, time: Output.time)); next try \(Output.time(source.nextAttempt)))")
            } else if let nextUpdate = source.nextUpdate, nextUpdate < now {
                warnings.append("CRL \(source.url): \(source.freshness(at: now, time: Output.time))")
            }
        }
        let today = CalendarDay(now)
        if authority.manifest.recognizedUntil < today {
            warnings.append("recognition ended on \(authority.manifest.recognizedUntil)")
        } else if authority.manifest.recognizedUntil < CalendarDay(horizon) {
            warnings.append("recognition ends on \(authority.manifest.recognizedUntil)")
        }
        self.warnings = warnings
    }

    /// The CA's CRLs in one cell: the earliest nextUpdate among those fetched, decides.
    static func freshness(of sources: [CRLSource], at now: Date) -> String {
        guard !sources.isEmpty else { return "no CRL location known" }
        let fetched = sources.filter { $0.lastSuccess != nil }
        var cell: String
        if fetched.isEmpty {
            cell = "never fetched"
        } else if let stale = fetched.compactMap(\.nextUpdate).filter({ $0 < now }).min() {
            cell = "stale since \(Output.time(stale))"
        } else if let until = fetched.compactMap(\.nextUpdate).min() {
            cell = "fresh until \(Output.time(until))"
        } else {
            cell = "fetched (no nextUpdate)"
        }
        if !fetched.isEmpty, fetched.count < sources.count { cell += ", \(sources.count - fetched.count) never fetched" }
        if let error = sources.compactMap(\.lastError).first {
            cell += "; last error: " + (error.count > 60 ? error.prefix(59) + "…" : error)
        }
        return cell
    }
}
