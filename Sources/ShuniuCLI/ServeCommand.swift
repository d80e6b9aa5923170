import ArgumentParser
import Foundation
import Logging
import ShuniuApp
import ShuniuCore
import ShuniuTrust

/// `shuniu serve`: runs the daemon until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hub daemon (embedded defaults: 127.0.0.1:8480, store in ./var).",
        discussion: "SIGTERM or SIGINT stops accepting requests, finishes those in flight and closes the store."
    )

    @OptionGroup var hub: HubOptions

    @Option(name: .long, help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(name: .long, help: "Port to listen on, 0 for any free one (overrides server.port).")
    var port: Int?

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be from 0 to 65535")
        }
    }

    func run() async throws {
        var configuration: HubConfiguration
        do {
            configuration = try hub.configuration(forServing: true)
        } catch let error as DiagnosticsError {
            throw StartupFailure(message: "configuration refused:\n\(error)")
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        // One daemon per store: refused before it touches the store when another holds it.
        let lock: DaemonLock
        do {
            lock = try DaemonLock(dataDir: configuration.dataDir, asDaemon: true, version: BuildInfo.version)
        } catch let busy as DaemonLock.Busy {
            throw CLIFailure.hub("\(busy); stop it first, or give this one another --data-dir")
        }
        defer { lock.release() }
        // A SIGHUP before the mapping reloader traps it must not end the process.
        signal(SIGHUP, SIG_IGN)
        LoggingBootstrap.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "shuniu")
        let hubInstance: Hub
        do {
            hubInstance = try await Hub(configuration: configuration, logger: logger)
        } catch let error as DiagnosticsError {
            throw StartupFailure(message: "the common spec in \(configuration.specDir) has problems:\n\(error)")
        } catch let error as ServerTLSProblem {
            throw StartupFailure(message: "the server certificate cannot be served: \(error)")
        } catch let error as TrustError {
            throw StartupFailure(message: "this OpenSSL cannot compute every digest and HMAC the hub offers: \(error)")
        }
        logger.info("store open", metadata: [
            "engine": "\(hubInstance.store.engineName)", "location": "\(hubInstance.store.location)", "spec": "\(hubInstance.spec.version)", "configuration": "\(hub.source)",
        ])
        for problem in hubInstance.mappingReport.refused {
            logger.error("mapping file refused; that platform's payloads are refused until it is fixed and reloaded", metadata: ["problem": "\(problem)"])
        }
        do {
            try await hubInstance.run()
        } catch {
            // Not NIO's text: the address, and what to change.
            if let failure = BindFailure(error, host: configuration.host, port: configuration.port) { throw CLIFailure(failure.description) }
            throw error
        }
        logger.notice("shuniu stopped")
    }
}

/// Start-up refused: print the reason and exit non-zero, without a stack trace.
struct StartupFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
