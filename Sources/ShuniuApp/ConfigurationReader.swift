import Logging
import ShuniuAPI
import ShuniuCore
import Yams

/// Reads configuration YAML strictly: every key must be known, every value of its type and range.
struct ConfigurationReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    /// Whether the files only the daemon serves (the TLS certificate and key) are read and checked.
    let readsServedFiles: Bool

    init(file: String, readsServedFiles: Bool = false) {
        self.file = file
        self.readsServedFiles = readsServedFiles
    }

    /// A setter for one key: takes the scalar text, returns an error message or nil.
    typealias Setter = @Sendable (inout HubConfiguration, String) -> String?

    static let keys: [String: Setter] = [
        "server.host": { config, value in value.isEmpty ? "must not be empty" : { config.host = value; return nil }() },
        "server.port": integer(0...65535) { $0.port = $1 },
        "server.refusalsPerMinutePerAddress": integer(1...1_000_000) { $0.refusalsPerMinutePerAddress = $1 },
        "server.headerTimeoutSeconds": integer(1...3600) { $0.connections.headerTimeoutSeconds = $1 },
        "server.idleTimeoutSeconds": integer(1...3600) { $0.connections.idleTimeoutSeconds = $1 },
        "server.bodyTimeoutSeconds": integer(1...3600) { $0.connections.bodyTimeoutSeconds = $1 },
        "server.maxConnectionsPerAddress": integer(1...100_000) { $0.connections.maxConnectionsPerAddress = $1 },
        "server.maxConnections": integer(1...1_000_000) { $0.connections.maxConnections = $1 },
        "storage.dataDir": path { $0.dataDir = $1 },
        "storage.maxSizeBytes": integer(1_048_576...Int.max) { $0.maxStoreBytes = Int64($1) },
        "storage.engine": { config, value in
            guard let engine = StorageEngineKind(rawValue: value) else {
                return "must be one of \(StorageEngineKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'"
            }
            config.engine = engine
            return nil
        },
        "paths.mappings": path { $0.mappingsDir = $1 },
        "paths.certs": path { $0.certsDir = $1 },
        "ingest.maxRecords": integer(1...100_000) { $0.ingest.maxRecords = $1 },
        "ingest.maxBodyBytes": integer(1024...1_073_741_824) { $0.ingest.maxBodyBytes = $1 },
        "ingest.replayWindowSeconds": integer(10...3600) { $0.ingest.replayWindowSeconds = $1 },
        "feed.pageCap": integer(1...10_000) { $0.reads.pageCap = $1 },
        "feed.maxWaitSeconds": integer(0...120) { $0.reads.maxWaitSeconds = $1 },
        "feed.defaultRequestsPerMinute": integer(1...100_000) { $0.reads.defaultRequestsPerMinute = $1 },
        "crl.scanSeconds": integer(1...3600) { $0.crl.scanSeconds = Double($1) },
        "crl.retrySeconds": integer(1...3600) { $0.crl.retrySeconds = Double($1) },
        "crl.maxRetrySeconds": integer(1...86_400) { $0.crl.maxRetrySeconds = Double($1) },
        "crl.timeoutSeconds": integer(1...600) { $0.crl.timeoutSeconds = $1 },
        "audit.keyFile": path { $0.auditKeyPath = $1 },
        "audit.checkpointFile": path { $0.auditCheckpointPath = $1 },
        "audit.checkpointSeconds": integer(5...3600) { $0.auditCheckpointSeconds = $1 },
        "log.level": { config, value in
            guard let level = Logger.Level(rawValue: value) else {
                return "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            }
            config.logLevel = level
            return nil
        },
        "log.format": { config, value in
            guard let format = LogFormat(rawValue: value) else {
                return "must be one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'"
            }
            config.logFormat = format
            return nil
        },
    ]

    static func integer(_ range: ClosedRange<Int>, _ set: @escaping @Sendable (inout HubConfiguration, Int) -> Void) -> Setter {
        { config, value in
            guard let number = Int(value), range.contains(number) else {
                return "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(value)'"
            }
            set(&config, number)
            return nil
        }
    }

    static func path(_ set: @escaping @Sendable (inout HubConfiguration, String) -> Void) -> Setter {
        { config, value in
            guard !value.isEmpty else { return "must be a path" }
            set(&config, value)
            return nil
        }
    }

    mutating func read(_ node: Node, into configuration: inout HubConfiguration, prefix: String = "") {
        read(mapping: node, into: &configuration, prefix: prefix)
        if prefix.isEmpty {
            checkReferences(configuration)
            checkStorage(configuration, root: node)
        }
    }

    /// `storage.engine: postgres` needs `storage.postgres`, and the settings name an engine in use.
    mutating func checkStorage(_ configuration: HubConfiguration, root: Node) {
        let storage = root.mapping?["storage"]
        if configuration.engine == .postgres, configuration.postgres == nil, !diagnostics.contains(where: { $0.message.contains("storage.postgres") }) {
            report(storage?.mapping?["engine"] ?? root, "'storage.engine: postgres' needs 'storage.postgres.url', the database to use")
        }
        if configuration.engine == .sqlite, let postgres = storage?.mapping?.first(where: { $0.key.string == "postgres" })?.key {
            report(postgres, "'storage.postgres' is set but 'storage.engine' is sqlite: set 'storage.engine: postgres' to use it, or remove it")
        }
    }

    /// Routes must name configured destinations, and destination names must be unique.
    mutating func checkReferences(_ configuration: HubConfiguration) {
        var names = Set<String>()
        for destination in configuration.destinations where !names.insert(destination.name).inserted {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "destination '\(destination.name)' is defined twice"))
        }
        for route in configuration.routing.routes where !names.contains(route.destination) {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "a route names destination '\(route.destination)', which is not in 'destinations'"))
        }
    }

    private mutating func read(mapping node: Node, into configuration: inout HubConfiguration, prefix: String) {
        guard let mapping = node.mapping else {
            report(node, prefix.isEmpty ? "the configuration must be a mapping of sections" : "'\(prefix)' must be a mapping")
            return
        }
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? "?"
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            if key == "destinations" {
                var reader = DestinationReader(file: file)
                configuration.destinations = reader.read(value)
                diagnostics += reader.diagnostics
            } else if key == "connectors" {
                var reader = ConnectorReader(file: file)
                configuration.connectors = reader.read(value)
                diagnostics += reader.diagnostics
            } else if key == "server.tls" {
                var reader = ServerTLSReader(file: file, readsFiles: readsServedFiles)
                configuration.tls = reader.read(value)
                diagnostics += reader.diagnostics
            } else if key == "storage.postgres" {
                var reader = PostgresSettingsReader(file: file)
                configuration.postgres = reader.read(value)
                diagnostics += reader.diagnostics
            } else if key == "server.trustedProxies" {
                configuration.trustedProxies = readTrustedProxies(value)
            } else if key == "routes" {
                var reader = RouteReader(file: file)
                configuration.routing = RoutingTable(routes: reader.read(value))
                diagnostics += reader.diagnostics
            } else if let setter = ConfigurationReader.keys[key] {
                guard let scalar = value.scalar else {
                    report(value, "'\(key)' must be a single value")
                    continue
                }
                if let problem = setter(&configuration, scalar.string) {
                    report(value, "'\(key)' \(problem)")
                }
            } else if (ConfigurationReader.keys.keys + ConfigurationReader.sections).contains(where: { $0.hasPrefix(key + ".") }) {
                read(mapping: value, into: &configuration, prefix: key)
            } else {
                let known = (ConfigurationReader.keys.keys + ConfigurationReader.sections).sorted().joined(separator: ", ")
                report(keyNode, "unknown key '\(key)' (known keys: \(known))")
            }
        }
    }

    /// Keys read by readers of their own, beside the scalar ``keys``.
    static let sections = ["destinations", "routes", "connectors", "server.tls", "server.trustedProxies", "storage.postgres"]

    /// `server.trustedProxies`: one address or CIDR range, or a list of them; each bad entry reported on its line.
    private mutating func readTrustedProxies(_ node: Node) -> TrustedProxies {
        let items: [Node]
        if node.scalar != nil {
            items = [node]
        } else if let sequence = node.sequence, sequence.allSatisfy({ $0.scalar != nil }) {
            items = Array(sequence)
        } else {
            report(node, "'server.trustedProxies' must be a list of addresses or CIDR ranges, such as [\"127.0.0.1\", \"10.0.0.0/8\"]")
            return TrustedProxies()
        }
        var entries: [String] = []
        for item in items {
            let entry = item.scalar?.string ?? ""
            do {
                _ = try TrustedProxies([entry])
                entries.append(entry)
            } catch {
                report(item, "'server.trustedProxies': \(error)")
            }
        }
        return (try? TrustedProxies(entries)) ?? TrustedProxies()
    }

    mutating func report(_ node: Node, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: node.mark?.line, message: message))
    }
}
