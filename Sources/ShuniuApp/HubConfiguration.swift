import Foundation
import Logging
import ShuniuAPI
import ShuniuConnectors
import ShuniuCore
import ShuniuIngest
import ShuniuSharing
import Yams

/// The hub's configuration. Every key, its type and default:
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `server.host` | string | `127.0.0.1` | address to listen on |
/// | `server.port` | integer 0–65535 | `8480` | 0 picks a free port |
/// | `server.refusalsPerMinutePerAddress` | integer 1–1000000 | `120` | refused requests from one address in a minute before it is turned away unread (429 `request.too_many_refusals`) |
/// | `server.headerTimeoutSeconds` | integer 1–3600 | `10` | a request head must be complete this long after the connection opened or its first bytes came |
/// | `server.idleTimeoutSeconds` | integer 1–3600 | `60` | a kept-alive connection with no request under way is closed after this |
/// | `server.bodyTimeoutSeconds` | integer 1–3600 | `60` | longest pause between two pieces of a request body (not a total) |
/// | `server.maxConnectionsPerAddress` | integer 1–100000 | `64` | open connections from one TCP peer (not the `X-Forwarded-For` client); one more is closed at once |
/// | `server.maxConnections` | integer 1–1000000 | `1000` | open connections in all; more wait in the listen backlog. See ``ConnectionLimits`` |
/// | `server.tls` | mapping | none | serve HTTPS: `certificate`, `key`, `clientCA`, `clientCertificates`; see ``ServerTLSSettings`` |
/// | `server.trustedProxies` | list of addresses or CIDR ranges | `[]` | peers whose `X-Forwarded-For` names the client; see ``TrustedProxies`` |
/// | `storage.engine` | `sqlite` or `postgres` | `sqlite` | the database; see ``StorageEngineKind`` |
/// | `storage.postgres` | mapping | none | the PostgreSQL database when `storage.engine: postgres`: `url`, `passwordFile`, `poolSize`, `leaseSeconds`; see ``PostgresSettings`` |
/// | `storage.dataDir` | path | `./var` | holds `shuniu.sqlite` (with SQLite), the audit key, CRL cache and lock |
/// | `storage.maxSizeBytes` | integer ≥ 1048576 | none | the database file's size limit: past it writes are answered 503 `store.full`, as on a full disk, while the disk keeps room for the system |
/// | `paths.mappings` | path | `./Mappings` | the spec is `<mappings>/spec` |
/// | `paths.certs` | path | `./Certs` | the CA trust list |
/// | `ingest.maxRecords` | integer 1–100000 | `1000` | records per batch |
/// | `ingest.maxBodyBytes` | integer 1024–1073741824 | `8388608` | request body |
/// | `ingest.replayWindowSeconds` | integer 10–3600 | `300` | ± clock skew; nonces kept twice as long |
/// | `feed.pageCap`, `feed.maxWaitSeconds`, `feed.defaultRequestsPerMinute` | integer | `1000`, `30`, `600` | consumers' reads; see ``ReadSettings`` |
/// | `crl.scanSeconds`, `crl.retrySeconds`, `crl.maxRetrySeconds`, `crl.timeoutSeconds` | integer | `10`, `30`, `3600`, `30` | CRL fetching; see ``CRLSettings`` |
/// | `audit.keyFile` | path | `<dataDir>/audit.key` | **secret**: the audit chain's key, made (mode 0600) at first start; never in the store, never logged; keep a copy with the backups' keeper |
/// | `audit.checkpointFile` | path | `<dataDir>/audit-checkpoints.log` | signed checkpoints of the chain's head, appended; point it outside the data folder (a file there is lost with the store) |
/// | `audit.checkpointSeconds` | integer 5–3600 | `60` | how often a checkpoint is written when the log grew (also at start and stop) |
/// | `log.level` | trace…critical | `info` | |
/// | `log.format` | `text` or `json` | `text` | `json`: one JSON object a line (time in Beijing time, level, message, fields) |
/// | `destinations` | list | none | upstreams; see ``DestinationReader`` for each item's keys |
/// | `routes` | list | none | which records go where; see ``RouteReader`` |
/// | `connectors` | list | none | platforms to pull from; see ``ConnectorConfiguration`` for each item's keys |
///
/// No value is secret: platform secrets live in the store, a destination's signing secret is
/// read from the file its `secretFile` names, the audit key from `audit.keyFile`, and the
/// database's password from `storage.postgres.passwordFile` (or the environment).
/// Relative paths are taken from the working directory.
public struct HubConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8480
    /// Refused requests one address may earn in a minute before it is turned away unread.
    public var refusalsPerMinutePerAddress = 120
    /// Timeouts for slow clients and caps on open connections.
    public var connections = ConnectionLimits()
    /// HTTPS when set: the certificate and key served, and whether clients must show one.
    public var tls: ServerTLSSettings?
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies = TrustedProxies()
    public var dataDir = "./var"
    /// Which database holds the store.
    public var engine = StorageEngineKind.sqlite
    /// The database when `engine` is `postgres`.
    public var postgres: PostgresSettings?
    /// The database file's size limit, in bytes; nil for none (the disk's).
    public var maxStoreBytes: Int64?
    public var mappingsDir = "./Mappings"
    public var certsDir = "./Certs"
    public var ingest = IngestLimits()
    public var reads = ReadSettings()
    public var crl = CRLSettings()
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    public var destinations: [Destination] = []
    public var routing = RoutingTable()
    /// Platforms that only expose an API, polled by pull connectors.
    public var connectors: [ConnectorConfiguration] = []
    /// `audit.keyFile` as configured; nil for the default in the data folder.
    public var auditKeyPath: String?
    /// `audit.checkpointFile` as configured; nil for the default in the data folder.
    public var auditCheckpointPath: String?
    /// Seconds between checkpoints of a growing audit log.
    public var auditCheckpointSeconds = 60

    /// The embedded defaults.
    public init() {}

    /// Where the common spec's files are.
    public var specDir: String { (mappingsDir as NSString).appendingPathComponent("spec") }
    /// Where the platforms' mapping files are, `<platform-id>.yaml`.
    public var platformMappingsDir: String { (mappingsDir as NSString).appendingPathComponent("platforms") }
    /// Where the destinations' format files are, `<format>.yaml`.
    public var destinationMappingsDir: String { (mappingsDir as NSString).appendingPathComponent("destinations") }
    /// Cached CRLs, `<ca-id>/*.crl` (layout: ``CRLCache``).
    public var crlDir: String { (dataDir as NSString).appendingPathComponent("crl") }
    /// The audit chain's key.
    public var auditKeyFile: String { auditKeyPath ?? (dataDir as NSString).appendingPathComponent("audit.key") }
    /// Where the audit chain's checkpoints are appended.
    public var auditCheckpointFile: String { auditCheckpointPath ?? (dataDir as NSString).appendingPathComponent("audit-checkpoints.log") }

    /// Reads a YAML file over the defaults. Unknown keys and bad values are all reported, by key and line.
    /// `forServing` also reads the files only the daemon uses (the TLS certificate and key), so
    /// that one it cannot serve stops start-up with its line; operator commands, which may not
    /// be allowed to read a private key, leave them alone.
    public static func load(file: String, forServing: Bool = false) throws -> HubConfiguration {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "cannot read the configuration file")])
        }
        return try parse(text, file: file, forServing: forServing)
    }

    public static func parse(_ text: String, file: String, forServing: Bool = false) throws -> HubConfiguration {
        var configuration = HubConfiguration()
        var reader = ConfigurationReader(file: file, readsServedFiles: forServing)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw DiagnosticsError([Diagnostic(file: file, line: nil, message: "not valid YAML: \(error)")])
        }
        guard let root else { return configuration }
        reader.read(root, into: &configuration)
        if !reader.diagnostics.isEmpty { throw DiagnosticsError(reader.diagnostics) }
        return configuration
    }
}
