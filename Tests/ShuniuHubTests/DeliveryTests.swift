import Foundation
import ShuniuApp
import ShuniuAuth
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import Testing

/// Outbound delivery through real local upstreams that misbehave on command.
@Suite("Delivery: routes, outbox, retries, dead letters")
struct DeliveryTests {
    /// A hub whose destinations point at `upstreams`, routed by `routes` (default: everything to each).
    static func hub(
        in folder: TemporaryDirectory, upstreams: [(String, SimulatedUpstream)], routes: [Route]? = nil,
        mode: Destination.Mode = .everyVersion, schedule: [Int] = [1, 1, 1], timeout: Int = 30
    ) async throws -> RunningHub {
        try await RunningHub.start(dataDir: folder.path) { configuration in
            configuration.destinations = upstreams.map { name, upstream in
                Destination(name: name, url: upstream.url, timeoutSeconds: timeout, batchSize: 50, retrySchedule: schedule, mode: mode)
            }
            configuration.routing = RoutingTable(routes: routes ?? upstreams.map { Route(destination: $0.0) })
        }
    }

    static func stats(_ hub: RunningHub, _ name: String) async throws -> QueueStats {
        try await hub.store.queueStats(destinations: [name])[0]
    }

    @Test("Routes select by dataset, region prefix, industry and platform; the outbox commits with the version")
    func routing() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        try await upstream.stop()  // nothing is delivered: only the queues are looked at
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = ["national", "hubei", "wuhan-projects", "beijing", "industry-e", "industry-f", "other-platform"].map {
                Destination(name: $0, url: upstream.url)
            }
            configuration.routing = RoutingTable(routes: [
                Route(destination: "national"),
                Route(destination: "hubei", regionPrefixes: ["42"]),
                Route(destination: "wuhan-projects", datasets: ["500"], regionPrefixes: ["4201"]),
                Route(destination: "beijing", regionPrefixes: ["11"]),
                Route(destination: "industry-e", industryPrefixes: ["E"]),
                Route(destination: "industry-f", industryPrefixes: ["F"]),
                Route(destination: "other-platform", platforms: [Fixtures.otherPlatformID]),
            ])
        }) { hub in
            try await hub.store.setDestinationPaused("national", paused: true, by: "test", reason: nil)
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)

            let queued = Dictionary(uniqueKeysWithValues: try await hub.store.queueStats(
                destinations: ["national", "hubei", "wuhan-projects", "beijing", "industry-e", "industry-f", "other-platform"]
            ).map { ($0.destination, $0.pending + $0.inFlight + $0.retrying + $0.delivered + $0.dead) })
            #expect(queued["national"] == 4)  // every record
            #expect(queued["hubei"] == 3)  // 500, 501, 502 carry 420102; the 503 notice has no region
            #expect(queued["wuhan-projects"] == 1)
            #expect(queued["beijing"] == 0)
            #expect(queued["industry-e"] == 1)  // only 500 carries INDUSTRIES_TYPE (E47)
            #expect(queued["industry-f"] == 0)
            #expect(queued["other-platform"] == 0)
        }
    }

    @Test("Records reach the upstream once, with an idempotency key per version, and versions in order")
    func deliveredInOrder() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let hub = try await Self.hub(in: folder, upstreams: [("national", upstream)])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        for name in ["第一版", "第二版", "第三版"] {
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": name])])).status == 200)
        }
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 20, start: 100))).status == 200)
        #expect(await eventually { upstream.receivedRecords.count >= 23 })
        let received = upstream.receivedRecords
        #expect(received.count == 23)
        #expect(received.filter { $0.key == "E4201000001000001" }.map(\.version) == [1, 2, 3])
        #expect(Set(received.map(\.idempotencyKey)).count == 23)
        #expect(upstream.received.allSatisfy { $0.headers["idempotency-key"] != nil })
        #expect(try await eventually { try await Self.stats(hub, "national").delivered == 23 })
        let stats = try await Self.stats(hub, "national")
        #expect(stats.pending == 0 && stats.dead == 0 && stats.inFlight == 0)
        #expect(stats.lastSuccessAt != nil)
        try await hub.stop()
        try await upstream.stop()
    }

    @Test("A destination URL with a query is signed as sent: an upstream that verifies the request target takes every batch", arguments: SignatureMethod.allCases)
    func signedWithQuery(method: SignatureMethod) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let secret = "upstream-secret-4201"
        // The upstream checks the signature over the target as it arrived, query included.
        upstream.behave(.verify { received in
            let request = SignedRequest(
                method: "POST", path: received.target, appKey: received.headers["x-shuniu-app-key"], timestamp: received.headers["x-shuniu-timestamp"],
                nonce: received.headers["x-shuniu-nonce"], signatureMethod: received.headers["x-shuniu-signature-method"],
                signature: received.headers["x-shuniu-signature"], body: received.body, address: nil
            )
            let check = RequestSignatureCheck(replayWindowSeconds: 300, trust: nil)
            guard let presented = try? check.presented(request, now: Date()), case .appKey("hub-4201", method) = presented.credential else { return false }
            return (try? check.verifyHMAC(request, presented, method: method, secret: secret)) != nil
        })
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = [Destination(
                name: "wuhan", url: "http://127.0.0.1:\(upstream.port)/records?tenant=4201&scope=%E6%AD%A6%E6%B1%89", appKey: "hub-4201", secret: secret,
                signatureMethod: method, batchSize: 50, retrySchedule: [1, 1, 1]
            )]
            configuration.routing = RoutingTable(routes: [Route(destination: "wuhan")])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 3))).status == 200)
            #expect(try await eventually { try await Self.stats(hub, "wuhan").delivered + Self.stats(hub, "wuhan").dead == 3 })
            let stats = try await Self.stats(hub, "wuhan")
            #expect(stats.delivered == 3 && stats.dead == 0, "\(upstream.received.map(\.target))")
            #expect(upstream.received.allSatisfy { $0.target == "/records?tenant=4201&scope=%E6%AD%A6%E6%B1%89" })
        }
        try await upstream.stop()
    }

    @Test("5xx, 429 with Retry-After, timeouts and refused connections are retried and then delivered")
    func retriedThenDelivered() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let failing = try await SimulatedUpstream.start()
        let throttling = try await SimulatedUpstream.start()
        let slow = try await SimulatedUpstream.start()
        failing.behave(.status(503, body: "maintenance"))
        throttling.behave(.status(429, retryAfter: "1"))
        slow.behave(.hang(.seconds(3)))
        let hub = try await Self.hub(in: folder, upstreams: [("failing", failing), ("throttling", throttling), ("slow", slow)], schedule: [1, 1, 1, 1, 1], timeout: 1)
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 3))).status == 200)

        #expect(try await eventually { try await Self.stats(hub, "failing").retrying == 3 })
        let failingStats = try await Self.stats(hub, "failing")
        #expect(failingStats.lastError == "HTTP 503")
        #expect(try await eventually { try await Self.stats(hub, "slow").retrying == 3 })
        let slowError = try await Self.stats(hub, "slow").lastError ?? ""
        #expect(slowError.contains("timed out"), "\(slowError)")

        failing.behave(.accept)
        throttling.behave(.accept)
        slow.behave(.accept)
        for name in ["failing", "throttling", "slow"] {
            #expect(try await eventually { try await Self.stats(hub, name).delivered == 3 }, "\(name)")
        }
        #expect(throttling.received.count >= 2)
        try await hub.stop()
        for upstream in [failing, throttling, slow] { try await upstream.stop() }
    }

    @Test("A refused connection is retried with curl's reason kept as the last error")
    func connectionRefused() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let gone = try await SimulatedUpstream.start()
        try await gone.stop()
        let hub = try await Self.hub(in: folder, upstreams: [("gone", gone)], schedule: [60])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 2))).status == 200)
        #expect(try await eventually { try await Self.stats(hub, "gone").retrying == 2 })
        let stats = try await Self.stats(hub, "gone")
        #expect(stats.lastError?.lowercased().contains("connect") == true, "\(stats.lastError ?? "")")
        let waiting = try await hub.store.waitingDeliveries(destination: "gone")
        #expect(waiting.count == 2 && waiting.allSatisfy { $0.state == .retrying && $0.attempts == 1 && $0.lastError?.isEmpty == false })
        #expect(stats.oldestPendingSeconds != nil)
        try await hub.stop()
    }

    @Test("A 4xx dead-letters at once with the upstream's answer; per-record rejections dead-letter only those")
    func deadLetters() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let refusing = try await SimulatedUpstream.start()
        let picky = try await SimulatedUpstream.start()
        refusing.behave(.status(400, body: #"{"error":"TENDERER_CODE check character"}"#))
        picky.behave(.rejectKeys(["E4201000001000002"]))
        let hub = try await Self.hub(in: folder, upstreams: [("refusing", refusing), ("picky", picky)])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 3))).status == 200)

        #expect(try await eventually { try await Self.stats(hub, "refusing").dead == 3 })
        #expect(refusing.received.count == 1)
        #expect(try await Self.stats(hub, "refusing").lastError?.contains("400") == true)
        #expect(try await eventually { try await Self.stats(hub, "picky").dead == 1 })
        #expect(try await Self.stats(hub, "picky").delivered == 2)
        try await hub.stop()
        try await refusing.stop()
        try await picky.stop()
    }

    @Test("A failing record holds back only its own later versions, never other records")
    func noHeadOfLineBlocking() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let hub = try await Self.hub(in: folder, upstreams: [("national", upstream)], schedule: [1, 1, 1, 1, 1, 1])
        try await hub.store.setDestinationPaused("national", paused: true, by: "test", reason: nil)
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: 1))).status == 200)
        #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "二"])])).status == 200)
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 2, start: 2))).status == 200)
        // The first version of record 1 fails once (per-record "retry" is not offered, so reject
        // the whole first batch with 500); the others must still go out in the second round.
        upstream.behave(.status(500))
        try await hub.store.setDestinationPaused("national", paused: false, by: "test", reason: nil)
        #expect(await eventually { upstream.received.count >= 1 })
        upstream.behave(.accept)
        #expect(try await eventually { try await Self.stats(hub, "national").delivered == 4 })
        let versionsOfFirst = upstream.receivedRecords.filter { $0.key == "E4201000001000001" }.map(\.version)
        #expect(versionsOfFirst.suffix(2) == [1, 2])
        try await hub.stop()
        try await upstream.stop()
    }

    @Test("latest-state sends only the newest waiting version; pause holds, resume drains")
    func latestStateAndPause() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let hub = try await Self.hub(in: folder, upstreams: [("credit", upstream)], mode: .latestState)
        try await hub.store.setDestinationPaused("credit", paused: true, by: "test", reason: "maintenance")
        let client = hub.client(try await Fixtures.register(in: hub.store))
        for name in ["一", "二", "三"] {
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": name])])).status == 200)
        }
        try await Task.sleep(for: .milliseconds(600))
        #expect(upstream.received.isEmpty)
        #expect(try await Self.stats(hub, "credit").paused)
        #expect(try await Self.stats(hub, "credit").pending == 3)

        try await hub.store.setDestinationPaused("credit", paused: false, by: "test", reason: nil)
        #expect(try await eventually { try await Self.stats(hub, "credit").delivered == 1 })
        #expect(upstream.receivedRecords.map(\.version) == [3])
        #expect(try await Self.stats(hub, "credit").pending == 0)
        let pauses = try await hub.store.auditEntries(limit: 5, action: "destination.pause")
        #expect(pauses.first?.detail.contains("maintenance") == true)
        try await hub.stop()
        try await upstream.stop()
    }
}

@Suite("Delivery: circuit breaker, dead-letter handling, replay, CLI")
struct DeliveryOperationsTests {
    @Test("After consecutive failures the circuit opens, holds back, then one probe closes it")
    func circuitBreaker() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.status(500))
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = [Destination(name: "flaky", url: upstream.url, batchSize: 1, retrySchedule: [1, 1, 1, 1, 1, 1, 1, 1],
                                                      circuitBreakerFailures: 2, circuitBreakerPause: 2)]
            configuration.routing = RoutingTable(routes: [Route(destination: "flaky")])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 4))).status == 200)
            #expect(try await eventually { try await hub.store.queueStats(destinations: ["flaky"])[0].circuitOpenUntil != nil })
            let attemptsWhenOpened = upstream.received.count
            try await Task.sleep(for: .milliseconds(1200))
            #expect(upstream.received.count == attemptsWhenOpened)  // held back, not hammered
            upstream.behave(.accept)
            #expect(try await eventually { try await hub.store.queueStats(destinations: ["flaky"])[0].delivered == 4 })
            #expect(try await hub.store.queueStats(destinations: ["flaky"])[0].circuitOpenUntil == nil)
        }
        try await upstream.stop()
    }

    @Test("Dead letters: list with filters, show the upstream's answer, retry and discard, each audited")
    func deadLetterHandling() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        upstream.behave(.status(400, body: #"{"error":"credit code fails its check character"}"#))
        let hub = try await DeliveryTests.hub(in: folder, upstreams: [("credit", upstream)])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 3))).status == 200)
        #expect(try await eventually { try await DeliveryTests.stats(hub, "credit").dead == 3 })

        let store = hub.store
        let all = try await store.deadLetters(DeadLetterFilter(destination: "credit"))
        #expect(all.count == 3)
        #expect(all[0].upstreamResponse?.contains("check character") == true && all[0].lastStatus == 400)
        #expect(try await store.deadLetters(DeadLetterFilter(errorContains: "check character")).count == 3)
        #expect(try await store.deadLetters(DeadLetterFilter(dataset: "501")).isEmpty)
        #expect(try await store.deadLetters(DeadLetterFilter(platform: Fixtures.otherPlatformID)).isEmpty)
        #expect(try await store.deadLetters(DeadLetterFilter(since: Date().addingTimeInterval(60))).isEmpty)

        #expect(try await store.discardDeadLetters(ids: [all[0].id], matching: DeadLetterFilter(), by: "wang.wu", reason: "superseded by a correction") == 1)
        upstream.behave(.accept)
        #expect(try await store.retryDeadLetters(ids: nil, matching: DeadLetterFilter(destination: "credit"), by: "wang.wu") == 2)
        #expect(try await eventually { try await DeliveryTests.stats(hub, "credit").delivered == 2 })
        #expect(try await DeliveryTests.stats(hub, "credit").dead == 0)
        let audit = try await store.auditEntries(limit: 10).filter { $0.action.hasPrefix("dead-letter.") }
        #expect(audit.map(\.action) == ["dead-letter.retry", "dead-letter.discard"])
        #expect(audit.allSatisfy { $0.actor == "wang.wu" })
        try await hub.stop()
        try await upstream.stop()
    }

    @Test("GET /metrics exposes ingest, delivery and queue figures in Prometheus text format")
    func metrics() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let hub = try await DeliveryTests.hub(in: folder, upstreams: [("national", upstream)])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
        _ = try await hub.client(PlatformCredential(appKey: "ak-nobody", secret: "x")).send(body: Fixtures.batch([Fixtures.record("500")]))
        #expect(try await eventually { try await DeliveryTests.stats(hub, "national").delivered == 4 })
        let response = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain") == true)
        let text = response.bodyText
        #expect(text.contains(#"shuniu_ingest_records_total{platform="E4201000001",outcome="accepted"} 4"#), "\(text)")
        #expect(text.contains(#"shuniu_ingest_requests_total{platform="-",outcome="auth.unknown_app_key"} 1"#))
        #expect(text.contains(#"shuniu_ingest_batch_seconds_bucket{platform="E4201000001""#))
        #expect(text.contains(#"shuniu_delivery_attempts_total{destination="national",outcome="delivered"}"#))
        #expect(text.contains(#"shuniu_delivery_seconds_count{destination="national"}"#))
        #expect(text.contains(#"shuniu_queue_depth{destination="national",state="pending"}"#))
        #expect(text.contains(#"shuniu_queue_oldest_pending_seconds{destination="national"}"#))
        try await hub.stop()
        try await upstream.stop()
    }

    @Test("Replay re-enqueues history for one destination, by class and platform; routes apply to new versions only")
    func replay() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let upstream = try await SimulatedUpstream.start()
        let hub = try await DeliveryTests.hub(in: folder, upstreams: [("late", upstream)], routes: [])
        let client = hub.client(try await Fixtures.register(in: hub.store))
        #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
        try await Task.sleep(for: .milliseconds(400))
        #expect(upstream.received.isEmpty)  // no route: nothing queued

        let queued = try await hub.store.replay(ReplaySelection(destination: "late", since: Date().addingTimeInterval(-3600), dataset: "502"), by: "zhao.liu").queued
        #expect(queued == 1)
        #expect(await eventually { upstream.receivedRecords.count == 1 })
        #expect(upstream.receivedRecords.first?.key == "E4201000001000001001001")
        #expect(try await hub.store.replay(ReplaySelection(destination: "late", since: Date().addingTimeInterval(60)), by: "zhao.liu").queued == 0)
        let audit = try await hub.store.auditEntries(limit: 5, action: "delivery.replay")
        #expect(audit.count == 2 && audit.last?.detail.contains("\"queued\":\"1\"") == true)
        try await hub.stop()
        try await upstream.stop()
    }
}
