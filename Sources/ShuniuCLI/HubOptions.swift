import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuStore

/// Options every command that touches the hub shares: where its configuration and store are.
///
/// The CLI opens the same SQLite store as the daemon (WAL lets both work at once), so operator
/// commands work whether or not the daemon runs, and need no network credentials.
struct HubOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (defaults are embedded).")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "Folder of the SQLite store (default ./var).")
    var dataDir: String?

    /// Defaults, then the file, then the flags.
    func configuration() throws -> HubConfiguration {
        var configuration = try config.map(HubConfiguration.load(file:)) ?? HubConfiguration()
        if let dataDir { configuration.dataDir = dataDir }
        return configuration
    }

    /// Opens the store; `create` only for commands that register something. The audit key is
    /// read from `audit.keyFile`, and made there when the store's chain is not keyed yet.
    func openStore(create: Bool = false) throws -> HubStore {
        let configuration = try configuration()
        return try HubStore(directory: configuration.dataDir, create: create, auditKeyFile: configuration.auditKeyFile)
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
