import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTrust

extension PlatformsCommand {
    /// `shuniu platforms certs`: the signing certificates a platform may sign requests with.
    struct Certs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "certs",
            abstract: "Register, list and remove a platform's signing certificates (any recognized CA).",
            subcommands: [Add.self, List.self, Remove.self]
        )
    }
}

extension PlatformsCommand.Certs {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a signing certificate now and register it for a platform; refused with every reason when it is not valid, not a signer, or not the operator's.",
            discussion: "Verified with the trust list (--certs, else paths.certs) and the hub's CRL cache (<data-dir>/crl). Requests then carry its SHA-256 fingerprint in X-Shuniu-Certificate."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @OptionGroup var output: OutputOptions
        @Argument(help: "The platform's 11-character code.") var id: String
        @Argument(help: "The certificate, PEM or DER.") var file: String
        @Option(name: .long, help: "Chain certificates the CA's trust folder lacks (PEM or DER), repeatable.") var chain: [String] = []
        @Option(name: .long, help: "The trust list folder (default: paths.certs, ./Certs).") var certs: String?

        func run() async throws {
            let platformID = try PlatformCertsArguments.platformID(id)
            let configuration = try hub.configuration()
            let (certificate, chainCertificates) = try PlatformCertsArguments.certificate(file, chain: chain)
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard let platform = try await store.platform(platformID) else {
                throw CLIFailure.notFound("no platform \(id) is registered")
            }
            let now = Date()
            let verdict = PlatformCertsArguments.verification(configuration, certs: certs).verify(certificate, chain: chainCertificates, at: now)
            var reasons = verdict.reasons.map { "\($0.code): \($0.message)" }
            if let identity = verdict.identity, let mismatch = identity.mismatch(operatorCode: platform.operatorCode) {
                reasons.append("identity: \(mismatch)")
            } else if platform.operatorCode == nil {
                reasons.append("operatorCode: platform \(platform.id) has no operator code; set it first with shuniu platforms set-operator-code")
            }
            let fingerprint = certificate.sha256FingerprintHex
            guard reasons.isEmpty, let ca = verdict.ca, let identity = verdict.identity else {
                try await refuse(fingerprint: fingerprint, subject: certificate.subject, reasons: reasons, store: store)
            }
            let registration = PlatformCertificate(
                platform: platformID, fingerprint: fingerprint, der: certificate.der, chain: chainCertificates.map(\.der), ca: ca.id,
                subject: certificate.subject, serial: certificate.serialHex, identityCode: identity.code, identityCodeType: identity.codeType.rawValue,
                notAfter: certificate.notAfter, addedBy: operatorOption.resolved, addedAt: now
            )
            let stored: PlatformCertificate
            do {
                stored = try await store.addPlatformCertificate(registration, by: operatorOption.resolved)
            } catch let error as StoreError where error.code == .certificateRegistered {
                try await refuse(fingerprint: fingerprint, subject: certificate.subject, reasons: ["registered: \(error.message)"], store: store)
            }
            if output.json { return try Output.json(PlatformCertificateView(stored, now: now)) }
            print("""
                registered for \(platformID): \(stored.subject)
                CA:          \(ca.id) (\(ca.name))
                holder:      \(identity.name), \(identity.codeType.rawValue) \(identity.code)
                valid until: \(Output.time(stored.notAfter))
                fingerprint: \(stored.fingerprint)
                The platform signs with its key and sends the fingerprint in \(SignatureHeader.certificate).
                """)
            verdict.warnings.forEach { print("⚠ \($0.code): \($0.message)") }
        }

        /// Audits the refused attempt (an operator action like any other), prints every reason and fails.
        private func refuse(fingerprint: String, subject: String, reasons: [String], store: any AuditLog) async throws -> Never {
            let refusal = RefusedCertificate(fingerprint: fingerprint, subject: subject, reasons: reasons)
            try await store.appendAudit(AuditEvent(
                actorKind: .operator, actor: operatorOption.resolved, action: "platform.certificate.add", outcome: "refused", subject: id,
                detail: JSONText.encode(refusal)
            ))
            if output.json {
                try Output.json(refusal)
            } else {
                print("refused: \(subject) (\(fingerprint)) is not registered for \(id)")
                reasons.forEach { print("✗ \($0)") }
            }
            throw ExitCode(1)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A platform's certificates, in force and removed.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The platform's 11-character code.") var id: String

        func run() async throws {
            let platformID = try PlatformCertsArguments.platformID(id)
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard try await store.platform(platformID) != nil else { throw CLIFailure.notFound("no platform \(id) is registered") }
            let now = Date()
            let views = try await store.platformCertificates(platformID, includingRemoved: true).map { PlatformCertificateView($0, now: now) }
            if output.json { return try Output.json(views) }
            if views.isEmpty { return print("platform \(id) has no certificates; register one with shuniu platforms certs add \(id) FILE") }
            print(Output.table(
                ["FINGERPRINT", "STATUS", "CA", "HOLDER", "NOT AFTER", "ADDED", "SUBJECT"],
                views.map { [$0.fingerprint, $0.status, $0.ca, $0.identity, Output.time($0.notAfter), "\(Output.time($0.addedAt)) \($0.addedBy)", $0.subject] }
            ))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a certificate signing for a platform at once; it stays listed as removed.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The platform's 11-character code.") var id: String
        @Argument(help: "The certificate's SHA-256 fingerprint (hex, colons allowed).") var fingerprint: String
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            let platformID = try PlatformCertsArguments.platformID(id)
            let store = try await hub.openStore()
            defer { try? store.close() }
            let normalized = fingerprint.replacingOccurrences(of: ":", with: "").lowercased()
            do {
                let removed = try await store.removePlatformCertificate(platformID, fingerprint: normalized, by: operatorOption.resolved, reason: reason)
                print("removed \(removed.fingerprint) (\(removed.subject)) from \(platformID): its signatures are refused from now on")
            } catch let error as StoreError where error.code == .certificateNotFound || error.code == .platformNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}

/// What the certificate commands (of platforms and consumers) share: reading their arguments.
enum PlatformCertsArguments {
    /// A certificate and the chain certificates given with it, PEM or DER.
    static func certificate(_ file: String, chain: [String]) throws -> (X509Certificate, [X509Certificate]) {
        do {
            return (try X509Certificate(try read(file)), try chain.flatMap { path throws in try X509Certificate.bundle(try read(path)) })
        } catch let error as TrustError {
            throw CLIFailure(error.description)
        }
    }

    /// The hub's trust list (`--certs`, else paths.certs) with its CRL cache, as the daemon verifies.
    static func verification(_ configuration: HubConfiguration, certs: String?) -> CertificateVerification {
        CertificateVerification(trust: TrustList.load(directory: certs ?? configuration.certsDir), crls: CRLFolder.load(configuration.crlDir).crls)
    }

    static func platformID(_ text: String) throws -> PlatformID {
        guard let id = PlatformID(rawValue: text) else {
            throw CLIFailure("'\(text)' is not a platform code (11 characters of 0-9 and A-Z)")
        }
        return id
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read \(path)") }
        return [UInt8](data)
    }
}

/// One registered certificate as `platforms certs list|add --json` print it (no DER).
struct PlatformCertificateView: Encodable {
    var fingerprint: String
    /// `in force`, `expired` or `removed`.
    var status: String
    var ca: String
    var subject: String
    var serial: String
    var identity: String
    var notAfter: Date
    var addedBy: String
    var addedAt: Date
    var removedBy: String?
    var removedAt: Date?
    var removedReason: String?

    init(_ certificate: PlatformCertificate, now: Date) {
        fingerprint = certificate.fingerprint
        status = !certificate.isActive ? "removed" : certificate.notAfter < now ? "expired" : "in force"
        ca = certificate.ca
        subject = certificate.subject
        serial = certificate.serial
        identity = certificate.identityCode
        notAfter = certificate.notAfter
        addedBy = certificate.addedBy
        addedAt = certificate.addedAt
        removedBy = certificate.removedBy
        removedAt = certificate.removedAt
        removedReason = certificate.removedReason
    }
}

/// A certificate `platforms certs add` refused, as audited and as `--json` prints it.
struct RefusedCertificate: Encodable {
    var registered = false
    var fingerprint: String
    var subject: String
    /// `code: message`, every one found.
    var reasons: [String]
}
