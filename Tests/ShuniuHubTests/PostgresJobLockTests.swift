import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import ShuniuTrust
import Synchronization
import Testing

/// What several instances on one PostgreSQL database share beyond the ports' data: job locks
/// (one holder, taken over when it dies) and commit wake-ups (`LISTEN`/`NOTIFY`).
@Suite("PostgreSQL: job locks, commit wake-ups and the instance roster across instances", .postgresCluster, .timeLimit(.minutes(2)))
struct PostgresJobLockTests {
    /// Two stores on one fresh database, as two instances would open it; closed on every path.
    private func withTwoInstances(_ body: (PostgresStore, PostgresStore, String) async throws -> Void) async throws {
        try await PostgresTestDatabase.withTwoInstances { first, second, database in try await body(first, second, database.url) }
    }

    /// What the jobs and followers saw, shared with the tasks that run them.
    private final class Seen: Sendable {
        private let items = Mutex<[String]>([])
        func append(_ item: String) { items.withLock { $0.append(item) } }
        var all: [String] { items.withLock { $0 } }
        func count(_ item: String) -> Int { all.filter { $0 == item }.count }
    }

    @Test("A job runs on one instance at a time: the second waits until the first lets go")
    func oneHolder() async throws {
        try await withTwoInstances { a, b, _ in
            let log = Seen()
            let release = AsyncStream<Void>.makeStream()
            let first = Task {
                try await a.holding("connector:demo") {
                    log.append("a starts")
                    for await _ in release.stream { break }
                    log.append("a ends")
                }
            }
            #expect(await eventually { log.all == ["a starts"] })
            let second = Task {
                try await b.holding("connector:demo") { log.append("b runs") }
            }
            // Another job is not held back by this one.
            try await b.holding("store-janitor") { log.append("b janitor") }
            #expect(log.all == ["a starts", "b janitor"])

            release.continuation.yield()
            try await first.value
            try await second.value
            #expect(log.all == ["a starts", "b janitor", "a ends", "b runs"])
        }
    }

    @Test("A holder cut off from the database loses its job, and another instance takes it over")
    func takeover() async throws {
        try await withTwoInstances { a, b, url in
            let started = Seen()
            let first = Task {
                try await a.holding("deadline-checker") {
                    started.append("a")
                    try await Task.sleep(for: .seconds(600))
                }
            }
            #expect(await eventually { started.all == ["a"] })
            let second = Task {
                try await b.holding("deadline-checker") { started.append("b") }
            }
            // Cut instance a's lock session, as a dead machine's would end.
            let cluster = try PostgresClusterTrait.cluster()
            let holders = try await cluster.psql(url, """
                SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            #expect(holders == "1")

            // Cancelled if the time limit passes, so that a holder that never learns of its loss fails the test.
            let lost = await withTaskCancellationHandler { await first.result } onCancel: { first.cancel() }
            #expect(throws: StoreError.self) { try lost.get() }
            try await second.value
            #expect(started.all == ["a", "b"])
        }
    }

    @Test("A commit on one instance wakes the others' followers, not its own; a rolled-back one wakes nobody")
    func commitWakeUps() async throws {
        try await withTwoInstances { a, b, _ in
            let heard = Seen()
            let followA = Task { try await a.followCommits { heard.append("a") } }
            let followB = Task { try await b.followCommits { heard.append("b") } }
            defer {
                followA.cancel()
                followB.cancel()
            }
            // Each follower looks once when it starts.
            #expect(await eventually { heard.count("a") == 1 && heard.count("b") == 1 })

            try await b.notifyCommitForTesting(commit: true)
            #expect(await eventually { heard.count("a") == 2 })
            try await b.notifyCommitForTesting(commit: false)
            try await a.notifyCommitForTesting(commit: true)
            #expect(await eventually { heard.count("b") == 2 })
            // b's rolled-back notification never reached a, and a did not hear its own.
            #expect(heard.count("a") == 2)

            // An ingest commit that stored versions is told.
            let record = #"{"PROJECT_CODE":"P1","PROJECT_NAME":"p"}"#
            let commit = IngestCommit(
                platform: Fixtures.platformID, appKey: PostgresTestDatabase.appKey, nonce: "n-1", address: nil,
                items: [.valid(index: 0, record: ValidatedRecord(
                    dataset: "500", businessKey: "P1", regionCode: "420100", rawPayload: record, normalizedPayload: record,
                    contentHash: ContentHash.of(normalized: record, extra: nil), specVersion: "test"
                ), destinations: [])]
            )
            _ = try await b.commitIngest(commit, receivedAt: Date())
            #expect(await eventually { heard.count("a") == 3 })


            followA.cancel()
            followB.cancel()
            _ = await followA.result
            _ = await followB.result
        }
    }

    @Test("Each instance's reports are seen by the others; an instance silent since the cut-off is not")
    func roster() async throws {
        try await withTwoInstances { a, b, _ in
            let now = Date()
            let old = HubInstance(name: "gone", host: "h0", pid: 1, version: "0.15.0", startedAt: now.addingTimeInterval(-600), seenAt: now.addingTimeInterval(-120))
            var first = HubInstance(name: "instance-a", host: "h1", pid: 10, version: "0.15.0", startedAt: now, seenAt: now)
            try await a.reportAlive(old)
            try await a.reportAlive(first)
            try await b.reportAlive(HubInstance(name: "instance-b", host: "h2", pid: 20, version: "0.15.0", startedAt: now, seenAt: now.addingTimeInterval(1)))
            #expect(try await a.instances(seenSince: now.addingTimeInterval(-60)).map(\.name) == ["instance-b", "instance-a"])
            first.seenAt = now.addingTimeInterval(2)
            first.startedAt = now.addingTimeInterval(2)
            try await a.reportAlive(first)
            let seen = try await b.instances(seenSince: now.addingTimeInterval(-60))
            #expect(seen.map(\.name) == ["instance-a", "instance-b"])
            #expect(seen.first.map { abs($0.startedAt.timeIntervalSince(now)) < 0.001 } == true)
        }
    }
}
