import Foundation
import ShuniuCore
import ShuniuTransport
import ShuniuTrust
import Synchronization

/// Every recognized CA's CRL URLs and their fetch state, over the cache on disk: what the
/// daemon's ``CRLUpdater`` and `shuniu certs crl refresh` both work through.
///
/// A CA's URLs are its `crl.urls` when the manifest lists any. Otherwise they are the CRL
/// distribution points of the CA's own certificates, plus those learned from certificates the
/// hub verified whose issuer no held CRL covers (at most ``learnedLimit`` per CA, only from
/// chains that verified up to the CA); learned URLs are kept in the CA's `status.json`, so a
/// restart knows them.
///
/// Each URL is fetched on its own schedule (``CRLSettings``): a failing URL, or a CA whose
/// server is down, delays nothing else.
public final class CRLRefresher: Sendable {
    /// Sends one request: the daemon's shared curl multi client, or a plain curl client in the CLI.
    public typealias Send = @Sendable (OutgoingRequest) async throws -> ReceivedResponse

    public let trust: TrustList
    public let cache: CRLCache
    public let settings: CRLSettings
    /// Signalled when a URL is learned or a fetch ends, so that the updater looks again.
    public let wakeups = WakeSignal()
    /// Learned URLs kept per CA: bounds what certificates can make the hub fetch and remember.
    public static let learnedLimit = 32

    private struct State {
        /// By CA id, in order: expected URLs first, then learned ones.
        var sources: [String: [CRLSource]] = [:]
        /// `ca url` of fetches under way.
        var inFlight: Set<String> = []
        /// CAs with learned URLs not yet written to their status file.
        var unsaved: Set<String> = []
        /// The cache files the verification last built was read from.
        var fingerprint: [String]?
    }

    private let state: Mutex<State>

    /// Reads each CA's status file; makes no request.
    public init(trust: TrustList, cache: CRLCache, settings: CRLSettings = CRLSettings()) {
        self.trust = trust
        self.cache = cache
        self.settings = settings
        var initial = State()
        for authority in trust.authorities {
            var sources = Self.expected(for: authority)
            Self.merge(cache.sources(of: authority.id), into: &sources, authority: authority)
            initial.sources[authority.id] = sources
        }
        state = Mutex(initial)
    }

    /// The URLs known for `ca` and what happened to each.
    public func sources(of ca: String) -> [CRLSource] {
        state.withLock { $0.sources[ca] ?? [] }
    }

    /// A verification over the trust list and every CRL now in the cache, which reports the
    /// CRL locations it finds uncovered back here.
    public func verification() -> CertificateVerification {
        // The fingerprint is taken first: a file written meanwhile makes the next scan rebuild.
        let fingerprint = cache.fingerprint()
        let crls = CRLFolder.load(cache.folder).crls
        state.withLock { $0.fingerprint = fingerprint }
        return CertificateVerification(trust: trust, crls: crls, onUncoveredCRL: { [weak self] in self?.learn($0) })
    }

    /// Takes in what another process (`shuniu certs crl refresh`) recorded, and tells whether the
    /// CRL files differ from those the last ``verification()`` read.
    public func rescan() -> Bool {
        let recorded = trust.authorities.map { ($0, cache.sources(of: $0.id)) }
        let current = cache.fingerprint()
        return state.withLock { state in
            for (authority, sources) in recorded {
                Self.merge(sources, into: &state.sources[authority.id, default: []], authority: authority)
            }
            return state.fingerprint != current
        }
    }

    /// URLs due at `now` that no fetch is working on; they count as under way until fetched.
    public func claimDue(at now: Date) -> [(ca: String, url: String)] {
        state.withLock { state in
            var due: [(ca: String, url: String)] = []
            for (ca, sources) in state.sources.sorted(by: { $0.key < $1.key }) {
                for source in sources where (source.nextAttempt ?? .distantPast) <= now && !state.inFlight.contains("\(ca) \(source.url)") {
                    state.inFlight.insert("\(ca) \(source.url)")
                    due.append((ca, source.url))
                }
            }
            return due
        }
    }

    /// The earliest time a URL that is not being fetched is due.
    public func nextDue() -> Date? {
        state.withLock { state in
            state.sources.flatMap { ca, sources in
                sources.filter { !state.inFlight.contains("\(ca) \($0.url)") }.map { $0.nextAttempt ?? .distantPast }
            }.min()
        }
    }

    /// Fetches every URL of `ca` (every CA when nil) now with a curl client of its own: for a
    /// process without the daemon's shared client (`shuniu certs crl refresh`).
    public func refreshAll(ca: String? = nil) async -> [CRLFetchReport] {
        let client = CurlHTTPClient()
        return await refreshAll(ca: ca, send: { try await client.send($0) })
    }

    /// Fetches every URL of `ca` (every CA when nil) now, at once, whatever their schedule.
    public func refreshAll(ca: String? = nil, send: @escaping CRLRefresher.Send) async -> [CRLFetchReport] {
        let targets = state.withLock { state in
            state.sources.sorted { $0.key < $1.key }.filter { ca == nil || $0.key == ca }.flatMap { id, sources in sources.map { (id, $0.url) } }
        }
        return await withTaskGroup(of: CRLFetchReport.self) { group in
            for (id, url) in targets {
                group.addTask { await self.fetch(ca: id, url: url, send: send) }
            }
            var reports: [CRLFetchReport] = []
            for await report in group { reports.append(report) }
            return reports.sorted { ($0.ca, $0.url) < ($1.ca, $1.url) }
        }
    }

    /// Fetches one URL, caches a good CRL, records the outcome in the CA's status file and
    /// schedules the next fetch: before `nextUpdate − refreshBeforeSeconds` after a success,
    /// with backoff after a failure.
    public func fetch(ca: String, url: String, send: @escaping CRLRefresher.Send, now: Date = Date()) async -> CRLFetchReport {
        defer {
            state.withLock { _ = $0.inFlight.remove("\(ca) \(url)") }
            wakeups.signal()
        }
        guard let authority = trust.authority(id: ca), let source = sources(of: ca).first(where: { $0.url == url }) else {
            return CRLFetchReport(ca: ca, url: url, outcome: .failed, message: "not a CRL location of a recognized CA")
        }
        let fetcher = CRLFetcher(send: send, cache: cache, timeoutSeconds: settings.timeoutSeconds)
        let result = await fetcher.fetch(source, of: authority, now: now)
        let finished = Date()
        var updated = source
        updated.lastAttempt = now
        let report: CRLFetchReport
        switch result {
        case .success(let fetched):
            updated.lastSuccess = finished
            updated.thisUpdate = fetched.crl.thisUpdate
            updated.nextUpdate = fetched.crl.nextUpdate
            updated.lastError = nil
            updated.failures = 0
            updated.nextAttempt = settings.nextFetch(nextUpdate: fetched.crl.nextUpdate, refreshBefore: authority.manifest.crl.refreshBeforeSeconds, now: finished)
            let validity = "thisUpdate \(CRLSource.time(fetched.crl.thisUpdate)), \(updated.freshness(at: finished)), \(fetched.crl.revokedSerials.count) revoked"
            report = CRLFetchReport(ca: ca, url: url, outcome: fetched.changed ? .updated : .unchanged, message: validity,
                                    thisUpdate: updated.thisUpdate, nextUpdate: updated.nextUpdate, nextAttempt: updated.nextAttempt)
        case .failure(let error):
            updated.lastError = error.message
            updated.failures += 1
            updated.nextAttempt = finished.addingTimeInterval(settings.retryDelay(afterFailures: updated.failures))
            report = CRLFetchReport(ca: ca, url: url, outcome: .failed, message: error.message,
                                    thisUpdate: updated.thisUpdate, nextUpdate: updated.nextUpdate, nextAttempt: updated.nextAttempt)
        }
        record(updated, of: authority)
        return report
    }

    /// Writes the status files of CAs that learned URLs since their last write.
    public func saveLearned() {
        for authority in trust.authorities where state.withLock({ $0.unsaved.contains(authority.id) }) {
            save(authority)
        }
    }

    /// Remembers the locations a verification found uncovered (called on the verifying thread:
    /// a lock and a short scan, no I/O) and wakes the updater when one is new.
    func learn(_ locations: [UncoveredCRLLocation]) {
        let added = state.withLock { state in
            var added = false
            for location in locations {
                guard let authority = trust.authority(id: location.ca), authority.manifest.crl.urls.isEmpty else { continue }
                var sources = state.sources[location.ca] ?? []
                guard !sources.contains(where: { $0.url == location.url }),
                      sources.count(where: { $0.origin == .learned }) < Self.learnedLimit else { continue }
                let own = authority.certificates.contains { $0.der == location.issuer.der }
                sources.append(CRLSource(url: location.url, origin: .learned, issuer: own ? nil : Data(location.issuer.der).base64EncodedString()))
                state.sources[location.ca] = sources
                state.unsaved.insert(location.ca)
                added = true
            }
            return added
        }
        if added { wakeups.signal() }
    }

    private func record(_ source: CRLSource, of authority: RecognizedCA) {
        state.withLock { state in
            guard let index = state.sources[authority.id]?.firstIndex(where: { $0.url == source.url }) else { return }
            state.sources[authority.id]?[index] = source
        }
        save(authority)
    }

    /// Merges what the file holds (another process may have fetched since) and writes the
    /// CA's sources back. Under the lock, so that this process's writes come one at a time.
    private func save(_ authority: RecognizedCA) {
        state.withLock { state in
            Self.merge(cache.sources(of: authority.id), into: &state.sources[authority.id, default: []], authority: authority)
            state.unsaved.remove(authority.id)
            // A failed write is retried with the next fetch; the CRL files themselves are already safe.
            try? cache.saveSources(state.sources[authority.id] ?? [], of: authority.id)
        }
    }

    /// The URLs a CA's manifest and certificates name.
    static func expected(for authority: RecognizedCA) -> [CRLSource] {
        if !authority.manifest.crl.urls.isEmpty {
            return unique(authority.manifest.crl.urls).map { CRLSource(url: $0, origin: .configured) }
        }
        let points = authority.certificates.flatMap(\.crlDistributionPointURLs).filter { $0.hasPrefix("http://") || $0.hasPrefix("https://") }
        return unique(points).map { CRLSource(url: $0, origin: .caCertificate) }
    }

    /// Takes `recorded` entries into `sources`: a known URL's record when it is newer (by its
    /// last attempt), and learned URLs unless the manifest now lists its URLs itself.
    static func merge(_ recorded: [CRLSource], into sources: inout [CRLSource], authority: RecognizedCA) {
        for entry in recorded {
            if let index = sources.firstIndex(where: { $0.url == entry.url }) {
                if (entry.lastAttempt ?? .distantPast) > (sources[index].lastAttempt ?? .distantPast) {
                    var newer = entry
                    newer.origin = sources[index].origin
                    newer.issuer = sources[index].issuer ?? entry.issuer
                    sources[index] = newer
                }
            } else if entry.origin == .learned, authority.manifest.crl.urls.isEmpty,
                      sources.count(where: { $0.origin == .learned }) < learnedLimit {
                sources.append(entry)
            }
        }
    }

    private static func unique(_ urls: [String]) -> [String] {
        var seen = Set<String>()
        return urls.filter { seen.insert($0).inserted }
    }
}
