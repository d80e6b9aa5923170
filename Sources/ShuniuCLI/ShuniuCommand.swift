import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuApp
import ShuniuTrust

/// `shuniu`: the hub daemon and the operator's tool.
public struct ShuniuCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "shuniu",
        abstract: "枢纽 Shuniu — data-exchange hub of an e-bidding public service platform.",
        discussion: CLIFailure.table + "\n\n" + TimeDisplay.help,
        version: "shuniu \(BuildInfo.version) (commit \(BuildInfo.commit))",
        subcommands: [
            ServeCommand.self, StatusCommand.self, PlatformsCommand.self, ConsumersCommand.self, GrantsCommand.self, DisputesCommand.self, QueuesCommand.self, DestinationsCommand.self, ConnectorsCommand.self,
            DeadLettersCommand.self, ReplayCommand.self, RecordsCommand.self, PushCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self, MigrateStoreCommand.self, SpecCommand.self, MappingsCommand.self, CodesCommand.self, CertsCommand.self, DemoCommand.self, VersionCommand.self,
        ]
    )

    public init() {}
}

extension ShuniuCommand {
    /// Parses the process's arguments and runs the chosen command, awaiting async ones.
    /// (Called from the executable's top-level code, `main()` resolves to the synchronous
    /// overload, which refuses async commands; this spells out the async path.)
    ///
    /// Only parsing and `validate()` errors exit 64 with the usage line; an error thrown while the
    /// command runs is a runtime failure: `Error: …` and the exit status of ``CLIFailure``.
    public static func runFromCommandLine() async {
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(nil)
        } catch {
            exit(withError: error)
        }
        do {
            // Every command may hash (SM3, SHA-256, HMAC): an OpenSSL build without one is an error
            // here, once, not a stop of the process wherever a command first hashes.
            try CryptoSelfCheck.run()
            // Beijing time unless the command was given --utc, for every time it prints.
            try await TimeDisplay.$current.withValue(TimeDisplay.chosen(by: command)) {
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
        } catch let failure as CLIFailure {
            fail(failure.message, status: failure.exitCode)
        } catch let error as StoreError where StoreErrorExit.notFound.contains(error.code) {
            fail(error.message, status: CLIFailure.notFoundCode)
        } catch let error as ValidationError {
            // Thrown by run(): the flags parsed, the input did not hold.
            fail(error.message, status: CLIFailure.failed)
        } catch {
            exit(withError: error)
        }
    }

    /// Store errors that mean "no such thing": exit 2, as a `CLIFailure.notFound` would.
    private enum StoreErrorExit {
        static let notFound: Set<StoreError.Code> = [
            .notFound, .platformNotFound, .certificateNotFound, .consumerNotFound, .grantNotFound, .recordNotFound, .disputeNotFound,
        ]
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        Foundation.exit(status)
    }
}
