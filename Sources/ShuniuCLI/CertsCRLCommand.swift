import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTrust

extension CertsCommand {
    /// `shuniu certs crl`: the CAs' CRLs in the hub's cache.
    struct CRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl",
            abstract: "The CAs' CRLs: the hub fetches them itself; fetch them now.",
            subcommands: [Refresh.self]
        )
    }
}

extension CertsCommand.CRL {
    /// `shuniu certs crl refresh [CA]`: fetches now, from this process, into the same cache the
    /// daemon reads (`<data-dir>/crl`); a running hub takes the new files within `crl.scanSeconds`.
    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a CA's CRLs (every CA's when none is named) now; exit 1 when any fetch failed.",
            discussion: "Only CRLs signed by the CA are cached; a failed fetch leaves the cached CRL in use. The running hub picks new files up by itself. Audited as certs.crl.refresh."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The CA's folder name (e.g. zjca-sm2); every CA when absent.") var ca: String?
        @Option(name: .long, help: "The trust list folder (default: paths.certs, ./Certs).") var certs: String?

        func run() async throws {
            let configuration = try hub.configuration()
            let trust = TrustList.load(directory: certs ?? configuration.certsDir)
            trust.refused.forEach { FileHandle.standardError.write(Data("refused CA: \($0)\n".utf8)) }
            if let ca, trust.authority(id: ca) == nil {
                throw CLIFailure.notFound("'\(ca)' is not a recognized CA (recognized: \(trust.authorities.map(\.id).joined(separator: ", ")))")
            }
            let store = try await hub.openStore(create: true)
            defer { try? store.close() }
            let refresher = CRLRefresher(trust: trust, cache: CRLCache(folder: configuration.crlDir), settings: configuration.crl)
            let reports = await refresher.refreshAll(ca: ca)
            let failed = reports.filter { $0.outcome == .failed }
            try await store.appendAudit(AuditEvent(
                actorKind: .operator, actor: operatorOption.resolved, action: "certs.crl.refresh", outcome: failed.isEmpty ? "ok" : "failed",
                subject: ca ?? "all", address: nil, detail: JSONText.encode(reports)
            ))
            if output.json {
                try Output.json(reports)
            } else {
                for report in reports {
                    print("\(report.outcome == .failed ? "✗" : "✓") \(report.ca) \(report.url): \(report.outcome.rawValue), \(report.message)")
                }
                let silent = (ca.map { [$0] } ?? trust.authorities.map(\.id)).filter { id in !reports.contains { $0.ca == id } }
                for id in silent { print("- \(id): no CRL location known (no crl.urls, and no certificate names one yet)") }
            }
            if !failed.isEmpty { throw ExitCode(1) }
        }
    }
}
