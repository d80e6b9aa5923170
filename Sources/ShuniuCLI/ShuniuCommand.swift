import ArgumentParser
import ShuniuTrust

/// `shuniu`: the hub daemon and the operator's tool.
public struct ShuniuCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "shuniu",
        abstract: "枢纽 Shuniu — data-exchange hub of an e-bidding public service platform.",
        subcommands: [
            ServeCommand.self, StatusCommand.self, PlatformsCommand.self, ConsumersCommand.self, GrantsCommand.self, DisputesCommand.self, QueuesCommand.self, DestinationsCommand.self, ConnectorsCommand.self,
            DeadLettersCommand.self, ReplayCommand.self, RecordsCommand.self, PushCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self, SpecCommand.self, MappingsCommand.self, CodesCommand.self, CertsCommand.self, DemoCommand.self,
        ]
    )

    public init() {}
}

extension ShuniuCommand {
    /// Parses the process's arguments and runs the chosen command, awaiting async ones.
    /// (Called from the executable's top-level code, `main()` resolves to the synchronous
    /// overload, which refuses async commands; this spells out the async path.)
    public static func runFromCommandLine() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            // Every command may hash (SM3, SHA-256, HMAC): an OpenSSL build without one is an error
            // here, once, not a stop of the process wherever a command first hashes.
            try CryptoSelfCheck.run()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
