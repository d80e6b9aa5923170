import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Prometheus
import ServiceLifecycle
import ShuniuAPI
import ShuniuConnectors
import ShuniuCore
import ShuniuDelivery
import ShuniuIngest
import ShuniuMapping
import ShuniuPostgres
import ShuniuSharing
import ShuniuSpec
import ShuniuStore
import ShuniuTransport
import ShuniuTrust
import UnixSignals

/// The composition root: opens the store, loads the spec, and runs the HTTP server and the
/// background services in one service group.
public struct Hub: Sendable {
    public let configuration: HubConfiguration
    /// The store's engine, opened once here (``openDatabase(_:instance:logger:)`` or ``openFile(_:)``); each part of the hub takes the ports it needs.
    public let store: any StoreEngine
    public private(set) var spec: DataSpec
    /// The platforms' mapping files in force; reloaded on SIGHUP.
    public let mappings: MappingRegistry
    /// What loading the mapping files at start-up found (a refused file is logged, not fatal).
    public let mappingReport: MappingRegistry.ReloadReport
    /// The recognized CAs and their cached CRLs: certificate verification in force.
    public let trust: TrustState
    /// The CAs' CRL URLs and fetch state; kept fresh by the CRL updater, which swaps `trust`.
    public let crls: CRLRefresher
    /// Refused requests by address and minute: unidentified callers are audited as summaries.
    public let refusals: RefusalTally
    /// The certificate and key served when `server.tls` is set; read again on SIGHUP.
    public let serverTLS: ServerTLSState?
    /// Each destination's format, by destination name: its mapping file's, or the hub's JSON; SIGHUP reads the files again.
    let formats: [String: ReloadableDeliveryFormat]
    /// This process as the store's roster knows it: one name for its reports and its delivery claims.
    public let instance: HubInstance
    let logger: Logger

    /// Puts the operators' allowed codes in force again, as SIGHUP does (tests).
    public func reloadAllowedCodes() async {
        await AllowedCodesReloader(store: store, codes: spec.knownInvalidCodes, logger: logger).reload(trigger: "call")
    }

    /// Reads the destinations' format files again, as SIGHUP does (tests).
    public func reloadDestinationFormats() async {
        await destinationFormatReloader.reload(trigger: "call")
    }

    var destinationFormatReloader: DestinationFormatReloader {
        DestinationFormatReloader(
            destinations: configuration.destinations, formats: formats, folder: configuration.destinationMappingsDir, spec: spec, store: store, logger: logger
        )
    }

    /// Loads the spec and the mapping files, opens the store (running migrations) and puts the
    /// operators' allowed codes in force; fails with every problem found, or with a
    /// ``ServerTLSProblem`` when `server.tls` names a pair that cannot be served. `spec`, when
    /// given, is used instead of loading `configuration.specDir` again (tests start many hubs on
    /// the repository's spec).
    public init(configuration: HubConfiguration, logger: Logger, spec: DataSpec? = nil) async throws {
        let instance = InstanceHeartbeat.thisProcess()
        // A database is reached asynchronously, first. The rest (files, an SQLite store, the CAs)
        // is blocking work, done in one go on a thread of its own: every hub and upstream of the
        // process needs the few cooperative threads.
        let database = try await Hub.openDatabase(configuration, instance: instance.name, logger: logger)
        do {
            self = try await onOwnThread {
                try Hub(configuration: configuration, logger: logger, spec: spec, instance: instance, database: database)
            }
        } catch {
            try? database?.close()
            throw error
        }
        do {
            self.spec.knownInvalidCodes.replaceOperatorEntries(AllowedCodesReloader.entries(try await store.allowedCodes()))
        } catch {
            try? store.close()
            throw error
        }
    }

    private init(
        configuration: HubConfiguration, logger: Logger, spec: DataSpec?, instance: HubInstance, database: (any StoreEngine)?
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.instance = instance
        let files = try HubFiles.load(configuration, logger: logger, spec: spec)
        self.spec = files.spec
        self.mappings = files.mappings
        self.mappingReport = files.mappingReport
        self.serverTLS = files.serverTLS
        self.formats = files.formats.mapValues(ReloadableDeliveryFormat.init)
        self.store = try database ?? Hub.openFile(configuration)
        if let problem = store.auditKeyProblem {
            try? store.close()
            throw StoreError(.auditKey, problem)
        }
        let trustList = TrustList.load(directory: configuration.certsDir)
        for problem in trustList.refused { logger.error("CA folder refused", metadata: ["problem": "\(problem)"]) }
        self.crls = CRLRefresher(trust: trustList, cache: CRLCache(folder: configuration.crlDir), settings: configuration.crl)
        self.trust = TrustState(crls.verification())
        self.refusals = RefusalTally(refusalsPerMinute: configuration.refusalsPerMinutePerAddress)
    }

    /// Where the daemon opens its store (running migrations), by `storage.engine`: the PostgreSQL
    /// database of `storage.postgres`, which this process joins as `instance` (the name on its
    /// delivery claims and in the roster); nil for the embedded SQLite engine (``openFile(_:)``).
    static func openDatabase(_ configuration: HubConfiguration, instance: String, logger: Logger) async throws -> (any StoreEngine)? {
        switch configuration.engine {
        case .sqlite:
            return nil
        case .postgres:
            guard let settings = configuration.postgres else {
                throw StoreError(.cannotOpen, "storage.engine is postgres but storage.postgres is not set")
            }
            return try await PostgresStore.open(
                try settings.storeConfiguration(), instance: instance, auditKeyFile: configuration.auditKeyFile, logger: logger
            )
        }
    }

    /// The embedded SQLite engine in `storage.dataDir`, opened on the calling thread.
    static func openFile(_ configuration: HubConfiguration) throws -> any StoreEngine {
        try HubStore(directory: configuration.dataDir, maxSizeBytes: configuration.maxStoreBytes, auditKeyFile: configuration.auditKeyFile)
    }

    /// Writes every refusal summary counted so far, the minute under way's too (tests, shutdown).
    public func writeRefusalSummaries() async {
        await RefusalSummaryWriter(tally: refusals, store: store, logger: logger).write(everything: true)
    }

    /// Runs until SIGTERM or SIGINT (or `signals` given), then stops accepting requests,
    /// finishes those in flight and closes the store. `onListening` gets the bound port.
    public func run(
        signals: [UnixSignal] = [.sigterm, .sigint],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let group = try makeServiceGroup(signals: signals, onListening: onListening)
        try await group.run()
    }

    /// The service group, for callers (tests) that trigger its shutdown themselves. Throws when
    /// libcurl cannot make the outbound client's multi handle.
    public func makeServiceGroup(
        signals: [UnixSignal] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> ServiceGroup {
        // One registry per hub (not the process-wide bootstrap), so that hubs in one process
        // (tests, the demo) keep their figures apart.
        let registry = PrometheusCollectorRegistry()
        let metrics = PrometheusMetricsFactory(registry: registry)
        registry.makeGauge(
            name: "shuniu_build_info",
            labels: [("version", BuildInfo.version), ("commit", BuildInfo.commit), ("spec", spec.version)],
            help: "The running build: its version, commit and spec version (always 1)."
        ).set(to: 1.0)
        let wakeups = WakeSignal()
        let commits = CommitNotifier()
        let ingest = IngestService(
            store: store, spec: spec, limits: configuration.ingest, routing: configuration.routing,
            destinations: configuration.destinations.map(\.name), mappings: mappings,
            metrics: metrics, wakeups: wakeups, commits: commits, logger: logger, trust: trust, refusals: refusals
        )
        let reads = ReadService(
            store: store, spec: spec, trust: trust, replayWindowSeconds: configuration.ingest.replayWindowSeconds,
            commits: commits, settings: configuration.reads, metrics: metrics, logger: logger, refusals: refusals
        )
        let exposition = MetricsExposition(registry: registry, zeroSeries: ZeroSeries(
            factory: metrics, store: store, destinations: configuration.destinations.map(\.name),
            connectors: configuration.connectors, logger: logger
        ), serverTLS: serverTLS)
        let api = HubAPI(ingest: ingest, store: store, reads: reads, trust: trust, metricsText: { await exposition.text() })
        let logger = self.logger
        let host = configuration.host
        let limits = configuration.connections
        let connectionMetrics = ConnectionMetrics(limits: limits, factory: metrics)
        // Counted by TCP peer, before any X-Forwarded-For is read: behind a proxy, the proxy's connections.
        let perAddress = AddressConnectionCounter(maxPerAddress: limits.maxConnectionsPerAddress, metrics: connectionMetrics)
        let serverTLS = self.serverTLS
        let application = Application(
            router: api.router(accessLog: logger, trustedProxies: configuration.trustedProxies),
            server: HTTPServerBuilder { responder in
                let http = LimitedHTTP1Channel(responder: responder, limits: limits, counter: perAddress, metrics: connectionMetrics, logger: logger)
                guard let serverTLS else { return http }
                return ReloadableTLSChannel(base: http, tls: serverTLS)
            },
            configuration: .init(
                address: .hostname(host, port: configuration.port), serverName: "shuniu",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                // Counters at zero before anyone is told the hub listens.
                await exposition.seed()
                var listening: Logger.Metadata = ["address": "\(host):\(port)", "scheme": serverTLS == nil ? "http" : "https"]
                if let serverTLS {
                    for (name, value) in ServerTLSReloader.describe(serverTLS.current) { listening["certificate." + name] = "\(value)" }
                }
                logger.notice("shuniu listening", metadata: listening)
                await onListening(port)
            },
            logger: logger
        )
        // Started in this order, stopped in reverse: the server stops taking requests first,
        // then the delivery workers finish their batches, then the store closes.
        let http = try CurlMultiClient()
        let workers = configuration.destinations.map { destination in
            ServiceGroupConfiguration.ServiceConfiguration(service: DeliveryWorker(
                destination: destination, store: store, http: http, format: formats[destination.name], metrics: metrics, wakeups: wakeups, logger: logger
            ))
        }
        // Pull connectors take the ingest path and the same curl loop; each fails on its own.
        // Each runs on one instance at a time: its cursor is shared.
        let connectors = configuration.connectors.map { connector in
            ServiceGroupConfiguration.ServiceConfiguration(service: ExclusiveService(
                job: "connector:" + connector.name, locks: store,
                service: PullConnector(
                    configuration: connector, store: store, ingest: ingest, mappings: mappings, send: { try await http.send($0) },
                    metrics: metrics, logger: logger
                ),
                logger: logger
            ))
        }
        return ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: StoreService(store: store)),
                    // Stopped after everything that appends entries: the last checkpoint names them all.
                    .init(service: AuditCheckpointWriter(
                        store: store, log: AuditCheckpointLog(path: configuration.auditCheckpointFile),
                        interval: .seconds(configuration.auditCheckpointSeconds), logger: logger
                    )),
                    // Stopped just before the store closes: the last summaries are written.
                    .init(service: RefusalSummaryWriter(tally: refusals, store: store, logger: logger)),
                    .init(service: HTTPClientService(client: http)),
                    .init(service: CommitRelay(events: store, commits: commits, wakeups: wakeups, logger: logger)),
                    .init(service: InstanceHeartbeat(roster: store, instance: instance, logger: logger)),
                    .init(service: CRLUpdater(refresher: crls, trust: trust, send: { try await http.send($0) }, logger: logger)),
                    .init(service: ExclusiveService(job: "store-janitor", locks: store, service: StoreJanitor(ingest: ingest, queues: store, logger: logger), logger: logger)),
                    .init(service: StoreHealthMonitor(store: store, factory: metrics, logger: logger)),
                    .init(service: MappingReloader(
                        registry: mappings, initial: mappingReport, store: store,
                        allowedCodes: AllowedCodesReloader(store: store, codes: spec.knownInvalidCodes, logger: logger),
                        serverTLS: serverTLS.map { ServerTLSReloader(state: $0, store: store, logger: logger) },
                        destinationFormats: destinationFormatReloader,
                        logger: logger
                    )),
                    .init(service: QueueMetricsSampler(
                        store: store, destinations: configuration.destinations.map(\.name), withdrawals: WithdrawalDeadlines(spec: spec, store: store),
                        factory: metrics, interval: .seconds(5), logger: logger
                    )),
                ] + workers + connectors + [
                    .init(service: application),
                    // Stopped first: releases long-polling readers so the server need not wait out their polls.
                    .init(service: LongPollRelease(commits: commits)),
                ],
                gracefulShutdownSignals: signals,
                logger: logger
            )
        )
    }
}
