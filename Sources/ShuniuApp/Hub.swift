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
    /// The store's engine, opened once here (``openStore(_:)``); each part of the hub takes the ports it needs.
    public let store: any StoreEngine
    public let spec: DataSpec
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
    /// This process as the store's roster knows it: one name for its reports and its delivery claims.
    public let instance: HubInstance
    let logger: Logger

    /// Puts the operators' allowed codes in force again, as SIGHUP does (tests).
    public func reloadAllowedCodes() async {
        await AllowedCodesReloader(store: store, codes: spec.knownInvalidCodes, logger: logger).reload(trigger: "call")
    }

    /// Loads the spec and the mapping files, opens the store (running migrations) and puts the
    /// operators' allowed codes in force; fails with every problem found, or with a
    /// ``ServerTLSProblem`` when `server.tls` names a pair that cannot be served. `spec`, when
    /// given, is used instead of loading `configuration.specDir` again (tests start many hubs on
    /// the repository's spec). Files are read on a thread of their own, off the cooperative pool.
    public init(configuration: HubConfiguration, logger: Logger, spec: DataSpec? = nil) async throws {
        self.configuration = configuration
        self.logger = logger
        let files = try await onOwnThread { try HubFiles.load(configuration, logger: logger, spec: spec) }
        self.mappings = files.mappings
        self.mappingReport = files.mappingReport
        self.serverTLS = files.serverTLS
        let instance = InstanceHeartbeat.thisProcess()
        let store = try await Hub.openStore(configuration, instance: instance.name, logger: logger)
        var spec = files.spec
        do {
            if let problem = store.auditKeyProblem { throw StoreError(.auditKey, problem) }
            spec.knownInvalidCodes.replaceOperatorEntries(AllowedCodesReloader.entries(try await store.allowedCodes()))
        } catch {
            try? store.close()
            throw error
        }
        self.instance = instance
        self.store = store
        self.spec = spec
        // Reading the CAs and checking their cached CRLs is OpenSSL work: off the cooperative pool too.
        let (crls, trust) = try await onOwnThread {
            let trustList = TrustList.load(directory: configuration.certsDir)
            for problem in trustList.refused { logger.error("CA folder refused", metadata: ["problem": "\(problem)"]) }
            let crls = CRLRefresher(trust: trustList, cache: CRLCache(folder: configuration.crlDir), settings: configuration.crl)
            return (crls, TrustState(crls.verification()))
        }
        self.crls = crls
        self.trust = trust
        self.refusals = RefusalTally(refusalsPerMinute: configuration.refusalsPerMinutePerAddress)
    }

    /// The one place the daemon opens its store (running migrations): the embedded SQLite engine
    /// in `storage.dataDir`, or the PostgreSQL database of `storage.postgres`, which this process
    /// joins as `instance` (the name on its delivery claims and in the roster).
    static func openStore(_ configuration: HubConfiguration, instance: String, logger: Logger) async throws -> any StoreEngine {
        switch configuration.engine {
        case .sqlite:
            return try await onOwnThread {
                try HubStore(directory: configuration.dataDir, maxSizeBytes: configuration.maxStoreBytes, auditKeyFile: configuration.auditKeyFile)
            }
        case .postgres:
            guard let settings = configuration.postgres else {
                throw StoreError(.cannotOpen, "storage.engine is postgres but storage.postgres is not set")
            }
            return try await PostgresStore.open(
                try settings.storeConfiguration(), instance: instance, auditKeyFile: configuration.auditKeyFile, logger: logger
            )
        }
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
                destination: destination, store: store, http: http, metrics: metrics, wakeups: wakeups, logger: logger
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
                    .init(service: ExclusiveService(job: "nonce-janitor", locks: store, service: NonceJanitor(ingest: ingest, logger: logger), logger: logger)),
                    .init(service: StoreHealthMonitor(store: store, factory: metrics, logger: logger)),
                    .init(service: MappingReloader(
                        registry: mappings, initial: mappingReport, store: store,
                        allowedCodes: AllowedCodesReloader(store: store, codes: spec.knownInvalidCodes, logger: logger),
                        serverTLS: serverTLS.map { ServerTLSReloader(state: $0, store: store, logger: logger) }, logger: logger
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
