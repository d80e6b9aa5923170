import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import Testing

/// CRLs fetched by a real hub with libcurl from real local CRL servers (Hummingbird on loopback
/// ports) that fail on command, cached on disk, refreshed, and used by the public verify service;
/// and `shuniu certs crl refresh` through the real executable.
@Suite("CRL fetching, caching and refresh")
struct CRLRefreshTests {
    /// One test PKI whose certificates' CRL distribution points name a server started first.
    struct Fixture: Sendable {
        let pki: TestPKI
        let server: SimulatedCRLServer
    }

    static let fixture = Task<Fixture, any Error> {
        let server = try await SimulatedCRLServer.start()
        let pki = try await blocking { try TestPKI(crlBase: server.base) }
        server.serveFiles(from: pki.path("crl"))
        return Fixture(pki: pki, server: server)
    }

    struct Answer: Decodable {
        struct Reason: Decodable { var code: String; var message: String }
        var valid: Bool
        var reasons: [Reason]
        var warnings: [Reason]
        var codes: [String] { reasons.map(\.code) }
        var warningCodes: [String] { warnings.map(\.code) }
    }

    /// A copy of the PKI's trust folder with only `cas`, each manifest's `crl` changed as asked.
    func trustFolder(_ pki: TestPKI, in folder: TemporaryDirectory, cas: [String], urls: [String: [String]] = [:], refreshBefore: [String: Int] = [:]) throws -> String {
        let trust = folder.file("trust")
        for ca in cas {
            try FileManager.default.createDirectory(atPath: trust, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: pki.trustFolder + "/" + ca, toPath: trust + "/" + ca)
            let manifest = trust + "/" + ca + "/ca.yaml"
            var text = try String(contentsOfFile: manifest, encoding: .utf8)
            if let list = urls[ca] {
                text = text.replacingOccurrences(of: "\ncrl:\n", with: "\ncrl:\n  urls: [\(list.map { "\"\($0)\"" }.joined(separator: ", "))]\n")
            }
            if let seconds = refreshBefore[ca] {
                text = text.replacingOccurrences(of: "refreshBeforeSeconds: 3600", with: "refreshBeforeSeconds: \(seconds)")
            }
            try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        }
        return trust
    }

    /// A hub over `folder/var` with fast CRL timing: retries from 0.3 s (doubling to 2 s), a
    /// cache scan every 0.2 s.
    func startHub(trust: String, in folder: TemporaryDirectory, retrySeconds: Double = 0.3) async throws -> RunningHub {
        try await RunningHub.start(dataDir: folder.file("var")) {
            $0.certsDir = trust
            $0.crl.scanSeconds = 0.2
            $0.crl.retrySeconds = retrySeconds
            $0.crl.maxRetrySeconds = max(2, retrySeconds)
            $0.crl.timeoutSeconds = 5
        }
    }

    func verify(_ pki: TestPKI, _ certificate: String, chain: [String] = [], on hub: RunningHub) async throws -> Answer {
        let request: [String: Any] = [
            "certificate": try String(contentsOfFile: pki.path(certificate), encoding: .utf8),
            "chain": try chain.map { try String(contentsOfFile: pki.path($0), encoding: .utf8) },
        ]
        let response = try await CurlHTTPClient().send(OutgoingRequest(
            method: "POST", url: hub.baseURL + "/api/v1/certificates/verify", headers: [("Content-Type", "application/json")],
            body: [UInt8](try JSONSerialization.data(withJSONObject: request))
        ))
        return try JSONDecoder().decode(Answer.self, from: Data(response.body))
    }

    func source(_ hub: RunningHub, _ ca: String, _ url: String) -> CRLSource? {
        hub.hub.crls.sources(of: ca).first { $0.url == url }
    }

    func cachedFiles(_ folder: TemporaryDirectory, _ ca: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.file("var/crl/\(ca)"))) ?? []).filter { $0.hasSuffix(".crl") }.sorted()
    }

    @Test("Fetched at start with retries: a revoked leaf is revoked only once its CRL is fetched; a warn CA without CRLs warns")
    func fetchedAfterFailures() async throws {
        let pki = try await Self.fixture.value.pki
        let server = try await SimulatedCRLServer.start(folder: pki.path("crl"))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let rsa = ["\(server.base)/demo-rsa/root.crl", "\(server.base)/demo-rsa/intermediate.crl"]
        let ecdsa = ["\(server.base)/demo-ecdsa/root.crl", "\(server.base)/demo-ecdsa/intermediate.crl"]
        for path in ["demo-rsa/root.crl", "demo-rsa/intermediate.crl", "demo-ecdsa/root.crl", "demo-ecdsa/intermediate.crl"] {
            server.behave(.status(503), for: "/crl/" + path)
        }
        let trust = try trustFolder(pki, in: folder, cas: ["demo-rsa", "demo-ecdsa"], urls: ["demo-rsa": rsa, "demo-ecdsa": ecdsa])
        let hub = try await startHub(trust: trust, in: folder)

        #expect(await eventually { (rsa + ecdsa).allSatisfy { url in (source(hub, url.contains("rsa") ? "demo-rsa" : "demo-ecdsa", url)?.failures ?? 0) >= 1 } })
        #expect(source(hub, "demo-rsa", rsa[1])?.lastError == "HTTP 503")
        #expect(cachedFiles(folder, "demo-rsa").isEmpty)
        let before = try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub)
        #expect(!before.valid && before.codes.contains("crlMissing") && !before.codes.contains("revoked"), "\(before.codes)")
        // demo-ecdsa says whenStale: warn, which covers a CRL never fetched.
        let warned = try await verify(pki, "leaves/demo-ecdsa/org-sign.pem", on: hub)
        #expect(warned.valid && warned.warningCodes.contains("crlMissing"), "\(warned.codes) \(warned.warningCodes)")

        for path in ["demo-rsa/root.crl", "demo-rsa/intermediate.crl"] { server.behave(.serve, for: "/crl/" + path) }
        // The two CRLs arrive one after the other: wait until both are in force, not just the leaf's.
        #expect(try await eventually(timeout: .seconds(10)) {
            let codes = try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub).codes
            return codes.contains("revoked") && !codes.contains("crlMissing")
        })
        let good = try await verify(pki, "leaves/demo-rsa/org-sign.pem", on: hub)
        #expect(good.valid && good.warnings.isEmpty, "\(good.codes)")
        #expect(cachedFiles(folder, "demo-rsa") == rsa.map(CRLCache.fileName(for:)).sorted())
        let status = try #require(source(hub, "demo-rsa", rsa[1]))
        #expect(status.failures == 0 && status.lastError == nil && status.lastSuccess != nil && status.nextUpdate != nil)
        let recorded = CRLCache(folder: folder.file("var/crl")).sources(of: "demo-rsa")
        #expect(recorded.map(\.url) == rsa && recorded.allSatisfy { $0.lastSuccess != nil })
        try await hub.stop()
        try await server.stop()
    }

    @Test("Refreshed before nextUpdate − refreshBeforeSeconds; a failed refresh keeps the last good CRL and is retried; an older CRL is refused")
    func refreshKeepsLastGood() async throws {
        let pki = try await Self.fixture.value.pki
        let server = try await SimulatedCRLServer.start(folder: pki.path("crl"))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = "/crl/demo-rsa/intermediate.crl"
        let urls = ["\(server.base)/demo-rsa/root.crl", server.base + "/demo-rsa/intermediate.crl"]
        // Lives 60 s; refreshed 57 s before its nextUpdate, so 3 s after it was issued.
        let first = try pki.issueCRL(ca: "demo-rsa", validForSeconds: 60)
        server.behave(.bytes(first), for: path)
        let trust = try trustFolder(pki, in: folder, cas: ["demo-rsa"], urls: ["demo-rsa": urls], refreshBefore: ["demo-rsa": 57])
        let hub = try await startHub(trust: trust, in: folder)
        let cache = CRLCache(folder: folder.file("var/crl"))

        #expect(await eventually { source(hub, "demo-rsa", urls[1])?.lastSuccess != nil })
        #expect(cache.cached(ca: "demo-rsa", url: urls[1]) == first)
        let due = try #require(source(hub, "demo-rsa", urls[1])?.nextAttempt)
        let nextUpdate = try #require(source(hub, "demo-rsa", urls[1])?.nextUpdate)
        #expect(abs(due.timeIntervalSince(nextUpdate.addingTimeInterval(-57))) < 1 || due.timeIntervalSinceNow <= 0.5)

        server.behave(.status(503), for: path)
        let fetchedBefore = server.requests(for: path)
        #expect(await eventually { (source(hub, "demo-rsa", urls[1])?.failures ?? 0) >= 2 && server.requests(for: path) >= fetchedBefore + 2 })
        #expect(cache.cached(ca: "demo-rsa", url: urls[1]) == first)
        let revoked = try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub)
        #expect(revoked.codes == ["revoked"], "the last good CRL stays in use: \(revoked.codes)")
        #expect(try await verify(pki, "leaves/demo-rsa/org-sign.pem", on: hub).valid)

        // thisUpdate has whole seconds: the next CRL must be visibly newer.
        try await Task.sleep(for: .milliseconds(1100))
        let second = try pki.issueCRL(ca: "demo-rsa", validForSeconds: 60)
        server.behave(.bytes(second), for: path)
        #expect(await eventually(timeout: .seconds(10)) { cache.cached(ca: "demo-rsa", url: urls[1]) == second && source(hub, "demo-rsa", urls[1])?.failures == 0 })

        // A replayed older CRL is refused and the newer one kept.
        server.behave(.bytes(first), for: path)
        #expect(await eventually(timeout: .seconds(10)) { source(hub, "demo-rsa", urls[1])?.lastError?.contains("older") == true })
        #expect(cache.cached(ca: "demo-rsa", url: urls[1]) == second)
        try await hub.stop()
        try await server.stop()
    }

    @Test("A CRL whose signature does not verify with the CA's certificates, or no CRL at all, is never cached")
    func badCRLsNeverCached() async throws {
        let pki = try await Self.fixture.value.pki
        let server = try await SimulatedCRLServer.start(folder: pki.path("crl"))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let urls = ["root.crl", "intermediate.crl", "other.crl"].map { "\(server.base)/demo-rsa/\($0)" }
        server.behave(.garbage, for: "/crl/demo-rsa/root.crl")
        server.behave(.bytes(try pki.bytes("crl/demo-ecdsa/intermediate.crl")), for: "/crl/demo-rsa/intermediate.crl")
        server.behave(.bytes(try pki.bytes("crl/untrusted/intermediate.crl")), for: "/crl/demo-rsa/other.crl")
        let trust = try trustFolder(pki, in: folder, cas: ["demo-rsa"], urls: ["demo-rsa": urls])
        let hub = try await startHub(trust: trust, in: folder)

        #expect(await eventually { urls.allSatisfy { (source(hub, "demo-rsa", $0)?.failures ?? 0) >= 1 } })
        #expect(source(hub, "demo-rsa", urls[0])?.lastError?.hasPrefix("not a CRL") == true)
        for url in urls.dropFirst() {
            let error = source(hub, "demo-rsa", url)?.lastError ?? ""
            #expect(error.contains("not a certificate of demo-rsa"), "\(error)")
        }
        #expect(cachedFiles(folder, "demo-rsa").isEmpty)
        #expect(try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub).codes.contains("crlMissing"))
        try await hub.stop()
        try await server.stop()
    }

    @Test("Server down and the cached CRL stale: the refuse CA refuses, the warn CA warns, another CA keeps working")
    func staleWhenServerDown() async throws {
        let pki = try await Self.fixture.value.pki
        let down = try await SimulatedCRLServer.start(folder: pki.path("crl"))
        let up = try await SimulatedCRLServer.start(folder: pki.path("crl"))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var urls: [String: [String]] = [:]
        for ca in ["demo-rsa", "demo-ecdsa"] {
            urls[ca] = ["\(down.base)/\(ca)/root.crl", "\(down.base)/\(ca)/intermediate.crl"]
            down.behave(.bytes(try pki.bytes("crl/\(ca)/intermediate-stale.crl")), for: "/crl/\(ca)/intermediate.crl")
        }
        urls["demo-sm2"] = ["\(up.base)/demo-sm2/root.crl", "\(up.base)/demo-sm2/intermediate.crl"]
        let trust = try trustFolder(pki, in: folder, cas: ["demo-rsa", "demo-ecdsa", "demo-sm2"], urls: urls)
        let hub = try await startHub(trust: trust, in: folder)

        #expect(await eventually { urls.allSatisfy { ca, list in list.allSatisfy { source(hub, ca, $0)?.lastSuccess != nil } } })
        try await down.stop()
        #expect(await eventually { ["demo-rsa", "demo-ecdsa"].allSatisfy { source(hub, $0, urls[$0]?[1] ?? "")?.lastError != nil } })
        let status = try #require(source(hub, "demo-rsa", urls["demo-rsa"]?[1] ?? ""))
        #expect(status.freshness(at: Date()).hasPrefix("stale since"))

        let refused = try await verify(pki, "leaves/demo-rsa/org-sign.pem", on: hub)
        #expect(!refused.valid && refused.codes.contains("staleCRL"), "\(refused.codes)")
        let warned = try await verify(pki, "leaves/demo-ecdsa/org-sign.pem", on: hub)
        #expect(warned.valid && warned.warningCodes.contains("staleCRL"), "\(warned.codes) \(warned.warningCodes)")
        let unaffected = try await verify(pki, "leaves/demo-sm2/org-sign.pem", on: hub)
        #expect(unaffected.valid && unaffected.warnings.isEmpty, "\(unaffected.codes) \(unaffected.warningCodes)")
        #expect(try await verify(pki, "leaves/demo-sm2/revoked.pem", on: hub).codes == ["revoked"])
        try await hub.stop()
        try await up.stop()
    }

    @Test("Without crl.urls: the CA certificates' distribution points at start, then those of verified certificates, kept across a restart")
    func learnsFromCertificates() async throws {
        let fixture = try await Self.fixture.value
        let (pki, server) = (fixture.pki, fixture.server)
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let trust = try trustFolder(pki, in: folder, cas: ["demo-rsa"])
        var hub = try await startHub(trust: trust, in: folder)
        let root = server.base + "/demo-rsa/root.crl"
        let intermediate = server.base + "/demo-rsa/intermediate.crl"
        let second = server.base + "/demo-rsa/intermediate-2.crl"

        // The intermediate's distribution point is the root's CRL; the root has none.
        #expect(await eventually { source(hub, "demo-rsa", root)?.lastSuccess != nil })
        #expect(hub.hub.crls.sources(of: "demo-rsa").map(\.origin) == [.caCertificate])
        let first = try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub)
        #expect(first.codes.contains("crlMissing") && !first.codes.contains("revoked"), "\(first.codes)")
        #expect(try await eventually { try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub).codes == ["revoked"] })
        #expect(source(hub, "demo-rsa", intermediate)?.origin == .learned)

        // A leaf of an intermediate only the sender supplies: its CRL is signed by that
        // intermediate, which chains to demo-rsa's root.
        let chain = ["chain/demo-rsa/intermediate-2.pem"]
        #expect(try await verify(pki, "leaves/demo-rsa/broken-chain.pem", chain: chain, on: hub).codes.contains("crlMissing"))
        #expect(try await eventually { try await verify(pki, "leaves/demo-rsa/broken-chain.pem", chain: chain, on: hub).valid })
        #expect(source(hub, "demo-rsa", second)?.issuer != nil)
        // A certificate that chains to no recognized CA teaches nothing.
        _ = try await verify(pki, "leaves/untrusted/unknown-ca.pem", on: hub)
        try await hub.stop()

        hub = try await startHub(trust: trust, in: folder)
        #expect(Set(hub.hub.crls.sources(of: "demo-rsa").map(\.url)) == [root, intermediate, second])
        #expect(try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub).codes == ["revoked"])
        try await hub.stop()
    }

    @Test("shuniu certs crl refresh writes the cache, is audited, exits 1 on a failed fetch; the running hub takes the files; certs list shows freshness")
    func refreshCommand() async throws {
        let pki = try await Self.fixture.value.pki
        let server = try await SimulatedCRLServer.start(folder: pki.path("crl"))
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let rsa = ["\(server.base)/demo-rsa/root.crl", "\(server.base)/demo-rsa/intermediate.crl"]
        let paths = ["/crl/demo-rsa/root.crl", "/crl/demo-rsa/intermediate.crl", "/crl/demo-ecdsa/intermediate.crl"]
        for path in paths { server.behave(.status(503), for: path) }
        let trust = try trustFolder(pki, in: folder, cas: ["demo-rsa", "demo-ecdsa"],
                                    urls: ["demo-rsa": rsa, "demo-ecdsa": [server.base + "/demo-ecdsa/intermediate.crl"]])
        // Slow retries: whatever the hub holds later comes from the command.
        let hub = try await startHub(trust: trust, in: folder, retrySeconds: 600)
        #expect(await eventually { (source(hub, "demo-rsa", rsa[1])?.failures ?? 0) >= 1 })
        let common = ["--data-dir", folder.file("var"), "--certs", trust]

        let failed = try await CLI.run(["certs", "crl", "refresh", "demo-rsa", "--operator", "wang.fang"] + common)
        #expect(failed.status == 1 && failed.output.contains("✗ demo-rsa \(rsa[1]): failed, HTTP 503"), "\(failed.output)")

        server.behave(.serve, for: paths[0])
        server.behave(.serve, for: paths[1])
        let done = try await CLI.run(["certs", "crl", "refresh", "demo-rsa", "--operator", "wang.fang"] + common)
        #expect(done.status == 0, "\(done.output)")
        #expect(done.output.contains("✓ demo-rsa \(rsa[1]): updated, thisUpdate"), "\(done.output)")
        #expect(cachedFiles(folder, "demo-rsa") == rsa.map(CRLCache.fileName(for:)).sorted())
        let audits = try await hub.store.auditEntries(limit: 10, action: "certs.crl.refresh")
        #expect(audits.map(\.outcome) == ["ok", "failed"], "newest first")
        #expect(audits.allSatisfy { $0.actor == "wang.fang" && $0.subject == "demo-rsa" })
        #expect(audits.first?.detail.contains(rsa[1]) == true)

        // The daemon retries only in 10 minutes: the verdict changes because it rescans the cache.
        #expect(try await eventually(timeout: .seconds(5)) { try await verify(pki, "leaves/demo-rsa/revoked.pem", on: hub).codes == ["revoked"] })
        #expect(await eventually(timeout: .seconds(5)) { source(hub, "demo-rsa", rsa[1])?.lastSuccess != nil })

        let listing = try await CLI.run(["certs", "list"] + common)
        let rows = listing.output.split(separator: "\n")
        #expect(rows.contains { $0.hasPrefix("demo-rsa") && $0.contains("fresh until") }, "\(listing.output)")
        #expect(rows.contains { $0.hasPrefix("demo-ecdsa") && $0.contains("never fetched; last error: HTTP 503") }, "\(listing.output)")

        let unknown = try await CLI.run(["certs", "crl", "refresh", "no-such-ca"] + common)
        #expect(unknown.status != 0 && unknown.output.contains("not a recognized CA"))
        try await hub.stop()
        try await server.stop()
    }

    @Test("Retry waits: 30 s doubling to the cap, ±20 % jitter; refresh before nextUpdate but not sooner than the retry time")
    func schedule() {
        let settings = CRLSettings()
        #expect(settings.retryDelay(afterFailures: 1, jitter: 1) == 30)
        #expect(settings.retryDelay(afterFailures: 2, jitter: 1) == 60)
        #expect(settings.retryDelay(afterFailures: 8, jitter: 1) == 3600)
        #expect(settings.retryDelay(afterFailures: 1000, jitter: 1) == 3600)
        #expect((24...36).contains(settings.retryDelay(afterFailures: 1)))
        let now = Date()
        let nextUpdate = now.addingTimeInterval(7200)
        #expect(settings.nextFetch(nextUpdate: nextUpdate, refreshBefore: 3600, now: now) == now.addingTimeInterval(3600))
        #expect(settings.nextFetch(nextUpdate: now.addingTimeInterval(-60), refreshBefore: 3600, now: now) == now.addingTimeInterval(30))
        #expect(settings.nextFetch(nextUpdate: nil, refreshBefore: 3600, now: now) == now.addingTimeInterval(86_400))
    }

    @Test("crl.* configuration keys")
    func configurationKeys() throws {
        let configuration = try HubConfiguration.parse("crl:\n  scanSeconds: 5\n  retrySeconds: 10\n  maxRetrySeconds: 600\n  timeoutSeconds: 20\n", file: "test.yaml")
        #expect(configuration.crl.scanSeconds == 5 && configuration.crl.retrySeconds == 10 && configuration.crl.maxRetrySeconds == 600 && configuration.crl.timeoutSeconds == 20)
        #expect(throws: DiagnosticsError.self) { try HubConfiguration.parse("crl:\n  retrySeconds: 0\n", file: "test.yaml") }
    }
}
