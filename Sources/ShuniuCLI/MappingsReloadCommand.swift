import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuMapping
import ShuniuSpec

extension MappingsCommand {
    /// `shuniu mappings reload`: checks the files, then has the running daemon read them again
    /// (SIGHUP) and prints what it did. A refused file leaves its previous version in force.
    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Swap mapping files in the running hub without a restart (a broken file is refused, the previous one stays)."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var operatorOption: OperatorOption
        @Option(name: .long, help: "Seconds to wait for the hub's answer.") var wait: Int = 10

        func run() async throws {
            let configuration = try hub.configuration()
            guard let pid = configuration.runningDaemon else {
                throw CLIFailure.hub("no hub runs on \(configuration.dataDir); a hub reads the mapping files when it starts — check them with `shuniu mappings check`")
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            let request = try await store.appendAudit(AuditEvent(
                actorKind: .operator, actor: operatorOption.resolved, action: "mappings.reload.requested", outcome: "ok",
                subject: "pid \(pid)", address: nil, detail: "{}"
            ))
            guard kill(pid, SIGHUP) == 0 else { throw CLIFailure("could not signal the hub (pid \(pid)): \(String(cString: strerror(errno)))") }
            let deadline = Date().addingTimeInterval(TimeInterval(wait))
            while Date() < deadline {
                if let answer = try await store.auditEntries(limit: 5, action: "mappings.reload").first(where: { $0.id > request.id }) {
                    try show(answer)
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw CLIFailure("the hub (pid \(pid)) did not answer within \(wait) s; see its log")
        }

        private func show(_ answer: AuditEntry) throws {
            if output.json {
                print(answer.detail)
            } else {
                let report = try JSONDecoder().decode(ReportText.self, from: Data(answer.detail.utf8))
                for (platform, version) in report.loaded.sorted(by: { $0.key < $1.key }) { print("\(platform): version \(version) in force") }
                for platform in report.removed { print("\(platform): file removed; it sends spec-shaped records again") }
                for problem in report.refused { print("refused: \(problem)") }
            }
            if answer.outcome != "ok" { throw ExitCode(1) }
        }

        struct ReportText: Decodable {
            var loaded: [String: String]
            var removed: [String]
            var refused: [Diagnostic]
        }
    }
}
