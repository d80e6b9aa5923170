import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import ShuniuAuth
import ShuniuCore
import ShuniuIngest
import ShuniuMapping
import ShuniuTransport
import ShuniuTrust

/// Polls one platform's API on a schedule and takes each page through the same ingest path as
/// pushed records. Each endpoint keeps its own cursor, persisted after every committed page, so
/// a restart resumes where the last commit left off; a failing endpoint backs off on its own.
/// One service per connector, so a failing platform never holds up the others.
public struct PullConnector: Service {
    let configuration: ConnectorConfiguration
    let store: any ConnectorStateStore
    let ingest: IngestService
    let mappings: MappingRegistry?
    let send: @Sendable (OutgoingRequest) async throws -> ReceivedResponse
    let backoff: ConnectorBackoff
    let metrics: any MetricsFactory
    let logger: Logger

    /// `send`: the hub's libcurl client (``CurlMultiClient/send(_:)``).
    public init(
        configuration: ConnectorConfiguration, store: any ConnectorStateStore, ingest: IngestService, mappings: MappingRegistry?,
        send: @escaping @Sendable (OutgoingRequest) async throws -> ReceivedResponse,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger
    ) {
        self.metrics = metrics
        self.configuration = configuration
        self.store = store
        self.ingest = ingest
        self.mappings = mappings
        self.send = send
        self.backoff = ConnectorBackoff(first: TimeInterval(configuration.retrySeconds), maximum: TimeInterval(configuration.maxRetrySeconds))
        var logger = logger
        logger[metadataKey: "connector"] = "\(configuration.name)"
        self.logger = logger
    }

    public func run() async throws {
        logger.info("pull connector started", metadata: ["platform": "\(configuration.platform)", "baseURL": "\(configuration.baseURL)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let wake = await runDueEndpoints()
            // A page in flight finishes at shutdown; only the wait between runs is cut short.
            let seconds = min(max(wake.timeIntervalSinceNow, 0.05), 3600)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
        }
    }

    /// Runs every endpoint that is due; returns when the next one falls due.
    func runDueEndpoints() async -> Date {
        let states: [String: ConnectorState]
        do {
            states = Dictionary(try await store.connectorStates(connector: configuration.name).map { ($0.endpoint, $0) }) { first, _ in first }
        } catch {
            logger.error("cannot read the connector's state", metadata: ["error": "\(error)"])
            return Date().addingTimeInterval(TimeInterval(configuration.retrySeconds))
        }
        var next = Date().addingTimeInterval(TimeInterval(configuration.intervalSeconds))
        for endpoint in configuration.endpoints {
            if Task.isShuttingDownGracefully { break }
            let state = states[endpoint.name]
            if let due = PullConnector.due(state, interval: TimeInterval(configuration.intervalSeconds)), due > Date() {
                next = min(next, due)
                continue
            }
            next = min(next, await poll(endpoint, state: state))
        }
        return next
    }

    /// When an endpoint's next run is due: as stored (surviving restarts), except that a shorter
    /// interval configured since the last successful run applies at once. A back-off is kept.
    static func due(_ state: ConnectorState?, interval: TimeInterval) -> Date? {
        guard let state, let stored = state.nextRunAt else { return nil }
        guard state.consecutiveFailures == 0, let lastRun = state.lastRunAt else { return stored }
        return min(stored, lastRun.addingTimeInterval(interval))
    }

    /// One run of one endpoint; records its outcome and returns when the next run is due.
    func poll(_ endpoint: ConnectorConfiguration.Endpoint, state: ConnectorState?) async -> Date {
        do {
            let (pages, records) = try await fetchPages(endpoint, from: state?.cursor)
            let next = Date().addingTimeInterval(TimeInterval(configuration.intervalSeconds))
            try await store.recordConnectorSuccess(connector: configuration.name, endpoint: endpoint.name, platform: configuration.platform, at: Date(), nextRunAt: next)
            if pages > 0 {
                logger.info("pulled", metadata: ["endpoint": "\(endpoint.name)", "pages": "\(pages)", "records": "\(records)"])
                count("shuniu_connector_pages_total", endpoint, by: pages)
                count("shuniu_connector_records_total", endpoint, by: records)
            }
            return next
        } catch {
            let failures = (state?.consecutiveFailures ?? 0) + 1
            let next = Date().addingTimeInterval(backoff.delay(afterFailures: failures, retryAfter: (error as? ConnectorError)?.retryAfter))
            let message = PullConnector.describe(error)
            count("shuniu_connector_failures_total", endpoint, by: 1)
            logger.warning("pull failed", metadata: [
                "endpoint": "\(endpoint.name)", "error": "\(message)", "failures": "\(failures)", "nextRunAt": "\(next)",
            ])
            do {
                try await store.recordConnectorFailure(
                    connector: configuration.name, endpoint: endpoint.name, platform: configuration.platform.rawValue,
                    error: message, failures: failures, at: Date(), nextRunAt: next
                )
            } catch {
                logger.error("cannot record the connector's failure", metadata: ["error": "\(error)"])
            }
            return next
        }
    }

    /// Prometheus counters per connector and endpoint: pages and records taken, failed runs.
    private func count(_ label: String, _ endpoint: ConnectorConfiguration.Endpoint, by amount: Int) {
        Counter(label: label, dimensions: [("connector", configuration.name), ("endpoint", endpoint.name)], factory: metrics).increment(by: amount)
    }

    /// Fetches and ingests pages from `stored` on, until the last page, the page limit or an
    /// error; the cursor is saved after each committed page. Returns pages and records taken.
    func fetchPages(_ endpoint: ConnectorConfiguration.Endpoint, from stored: String?) async throws -> (pages: Int, records: Int) {
        // No point fetching what would be refused: a suspended or unknown platform is an error state.
        _ = try await ingest.pullStanding(of: configuration.platform)
        let engine = mappings?.engine(for: configuration.platform)
        // The page is read as its mapping reads it (format and encoding); spec-shaped when unmapped.
        let decode = { (body: [UInt8]) in try engine?.mapping.decodePayload(body) ?? PayloadFormat.json.decode(body) }
        let itemsPath = PayloadPath((configuration.itemsPath ?? (engine == nil ? "records" : "$")) + "[*]")
            ?? PayloadPath("[*]")!
        let cursorPath = configuration.cursorPath.flatMap(PayloadPath.init)
        let timePath = configuration.timePath.flatMap(PayloadPath.init)
        var cursor = stored ?? configuration.start ?? (configuration.paging == .page ? String(configuration.firstPage) : nil)
        var pages = 0
        var records = 0
        while pages < configuration.pageLimit && !Task.isShuttingDownGracefully {
            let url = try url(for: endpoint, cursor: cursor)
            let body = try await fetch(url)
            let page = (try? decode(body)).map { PulledPage(document: $0, items: itemsPath, cursor: cursorPath, time: timePath) }
            // An empty page ends the run; there is nothing to commit.
            if let page, page.items.isEmpty { break }
            // A page that does not read is refused (and audited) here, like a pushed one.
            let response = try await ingest.ingestPulled(
                platform: configuration.platform, body: body, source: PullProvenance(connector: configuration.name, url: url)
            )
            guard let page else { break }
            let (next, more) = advance(from: cursor, over: page)
            // After the commit: a crash in between re-fetches the page, whose records are then duplicates.
            try await store.recordConnectorPage(
                connector: configuration.name, endpoint: endpoint.name, platform: configuration.platform, cursor: next, records: response.results.count, at: Date()
            )
            pages += 1
            records += response.results.count
            cursor = next
            if !more { break }
        }
        return (pages, records)
    }

    /// The cursor to resume from after a committed page, and whether another page follows now.
    func advance(from cursor: String?, over page: PulledPage) -> (cursor: String?, more: Bool) {
        switch configuration.paging {
        case .page:
            let number = cursor.flatMap { Int($0) } ?? configuration.firstPage
            // A short page is read again next run: records appended to it since are taken then.
            return page.items.count >= configuration.pageSize ? (String(number + 1), true) : (String(number), false)
        case .cursor:
            guard let next = page.nextCursor, next != cursor else { return (cursor, false) }
            return (next, true)
        case .since:
            guard let latest = page.latestTime else { return (cursor, false) }
            let next = PulledPage.later(cursor, latest)
            let full = page.items.count >= configuration.pageSize
            if full && next == cursor {
                logger.warning("a full page of records modified at one time: raise pageSize to page past them", metadata: ["since": "\(next)"])
            }
            return (next, full && next != cursor)
        }
    }

    /// The page's URL: base URL, the endpoint's path, then the paging parameters.
    func url(for endpoint: ConnectorConfiguration.Endpoint, cursor: String?) throws -> String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let text = base + (endpoint.path.hasPrefix("/") ? endpoint.path : "/" + endpoint.path)
        guard var components = URLComponents(string: text) else {
            throw ConnectorError(.badURL, "\(text) is not a valid URL")
        }
        var query = components.queryItems ?? []
        switch configuration.paging {
        case .page: query.append(URLQueryItem(name: configuration.pageParam, value: cursor ?? String(configuration.firstPage)))
        case .cursor: if let cursor { query.append(URLQueryItem(name: configuration.cursorParam, value: cursor)) }
        case .since: if let cursor { query.append(URLQueryItem(name: configuration.sinceParam, value: cursor)) }
        }
        query.append(URLQueryItem(name: configuration.sizeParam, value: String(configuration.pageSize)))
        components.queryItems = query
        guard let url = components.string else { throw ConnectorError(.badURL, "\(text) with its parameters is not a valid URL") }
        return url
    }

    /// GETs one page; anything but a 2xx answer is an error.
    func fetch(_ url: String) async throws -> [UInt8] {
        let response: ReceivedResponse
        do {
            response = try await send(try request(url))
        } catch let error as TransportError {
            throw ConnectorError(.transport, "GET \(url): \(error.message)")
        }
        guard (200..<300).contains(response.status) else {
            let answer = String(response.bodyText.prefix(200))
            throw ConnectorError(.httpStatus, "GET \(url) answered \(response.status): \(answer)", retryAfter: response.headers["retry-after"].flatMap(Double.init))
        }
        return response.body
    }

    /// The request with its credentials; tokens and secrets are read now, so rotated files apply.
    func request(_ url: String) throws -> OutgoingRequest {
        var headers: [(name: String, value: String)] = [("Accept", "application/json, application/xml")]
        switch configuration.authentication {
        case .none:
            break
        case .bearer(let tokenFile):
            headers.append(("Authorization", "Bearer \(try PullConnector.secret(in: tokenFile, key: "tokenFile"))"))
        case .hmac(let appKey, let secretFile, let method):
            let secret = try PullConnector.secret(in: secretFile, key: "secretFile")
            // The request target as sent, query included, as the hub's own requests are signed.
            headers += try RequestSigning(.hmac(PlatformCredential(appKey: appKey, secret: secret), method)).headers(method: "GET", url: url, body: [])
        }
        // A page past the ingest body limit would be refused anyway: it is not even read whole.
        return OutgoingRequest(method: "GET", url: url, headers: headers, timeoutSeconds: configuration.timeoutSeconds, maxResponseBytes: ingest.bodyLimit)
    }

    static func secret(in file: String, key: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), !text.trimmedWhitespace.isEmpty else {
            throw ConnectorError(.secretUnreadable, "cannot read \(key) \(file), or it is empty")
        }
        return text.trimmedWhitespace
    }

    /// An error as kept in the connector's state: its code first.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ConnectorError: error.description
        case let refusal as IngestRefusal: refusal.description
        case let error as StoreError: "\(error.code.rawValue): \(error.message)"
        default: "\(error)"
        }
    }
}
