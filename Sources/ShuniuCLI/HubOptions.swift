import ArgumentParser
import Foundation
import ShuniuApp
import Logging
import ShuniuCore
import ShuniuPostgres
import ShuniuStore

/// Options every command that touches the hub shares: where its configuration and store are.
///
/// The CLI opens the same SQLite store as the daemon (WAL lets both work at once), so operator
/// commands work whether or not the daemon runs, and need no network credentials.
struct HubOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $SHUNIU_CONFIG, else /etc/shuniu/shuniu.yaml when it exists, else the embedded defaults).")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "Folder of the SQLite store, which must exist (default: storage.dataDir, ./var).")
    var dataDir: String?

    /// Where the configuration comes from.
    var source: ConfigurationSource { .resolve(flag: config) }

    /// Defaults, then the file, then the flags. Run as root, the command becomes the data
    /// folder's owner here, before it touches the folder (see ``StoreOwner``).
    func configuration(forServing: Bool = false) throws -> HubConfiguration {
        var configuration = try source.load(forServing: forServing)
        if let dataDir { configuration.dataDir = dataDir }
        try StoreOwner.adopt(dataDir: configuration.dataDir)
        return configuration
    }

    /// Opens the store; `create` only for commands that register something. The audit key is
    /// read from `audit.keyFile`, and made there when the store's chain is not keyed yet.
    ///
    /// A `--data-dir` must name a folder that exists: a typo there would otherwise become a new,
    /// empty hub that the daemon never reads. The configured folder may be made.
    func openStore(create: Bool = false) async throws -> any StoreEngine {
        let configuration = try configuration()
        if create, let dataDir, !FileManager.default.fileExists(atPath: dataDir) {
            throw CLIFailure.notFound(
                "--data-dir \(dataDir): no such folder; a store is only made in a folder that exists (check the path, or create the folder first)"
            )
        }
        return try await open(configuration, create: create)
    }

    /// The one place the CLI opens the concrete engine: the SQLite store in `storage.dataDir`, or
    /// the PostgreSQL database of `storage.postgres` (which the daemons may be using meanwhile).
    private func open(_ configuration: HubConfiguration, create: Bool) async throws -> any StoreEngine {
        switch configuration.engine {
        case .sqlite:
            return try HubStore(directory: configuration.dataDir, create: create, auditKeyFile: configuration.auditKeyFile)
        case .postgres:
            guard let settings = configuration.postgres else {
                throw CLIFailure("storage.engine is postgres but storage.postgres is not set")
            }
            var logger = Logger(label: "shuniu.postgres")
            logger.logLevel = .error
            do {
                return try await PostgresStore.open(
                    try settings.storeConfiguration(), instance: "cli-" + PostgresStore.defaultInstanceName(), auditKeyFile: configuration.auditKeyFile,
                    logger: logger, openTimeout: .seconds(20)
                )
            } catch let error as PostgresSettingsError {
                throw CLIFailure(error.description)
            }
        }
    }
}

extension HubConfiguration {
    /// The process id of the daemon serving this data directory, when one runs (it holds the
    /// store's lock, see ``DaemonLock``).
    var runningDaemon: Int32? { DaemonLock.holder(dataDir: dataDir)?.pid }
}

/// Who runs an operator command, for the audit log: `--operator`, else the login name.
struct OperatorOption: ParsableArguments {
    @Option(name: .customLong("operator"), help: "Your name for the audit log (default: $SUDO_USER or $USER).")
    var name: String?

    var resolved: String {
        let environment = ProcessInfo.processInfo.environment
        return name ?? environment["SUDO_USER"] ?? environment["USER"] ?? "operator"
    }
}

/// `--json` for every command that shows something.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
    @OptionGroup var times: UTCOption
}
