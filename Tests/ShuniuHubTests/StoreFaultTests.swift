import Foundation
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// A store that cannot take writes is said, not hidden: pushes and reads get 503 with the
/// fault's code and Retry-After, `/readyz` turns unready, the metrics show it, and when space
/// returns the hub takes writes again by itself. Nothing acknowledged is lost.
@Suite("Storage faults")
struct StoreFaultTests {
    @Test("A full store answers 503 store.full with Retry-After, turns /readyz unready and recovers by itself when space returns")
    func fullStore() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let consumer = try await Fixtures.registerConsumer(on: hub)
            let http = CurlHTTPClient()
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 10))).status == 200)

            // SQLite refuses pages past its limit exactly as it refuses them on a full disk.
            let sqlite = try #require(hub.sqliteStore)
            try await sqlite.limitSize(to: sqlite.sizeOnDisk())
            var acknowledged = 10
            var refused: ReceivedResponse?
            var start = 100
            // Batches of 50, then 5, then 1 record, each size until refused: the room left is then
            // less than any write takes, the readiness probe's included, whatever a version's size.
            for count in [50, 5, 1] {
                for _ in 1...50 {
                    let response = try await client.send(body: Fixtures.batch(Fixtures.projects(count: count, start: start)))
                    start += count
                    if response.status == 200 { acknowledged += count } else { refused = response; break }
                }
            }
            // A refused batch of 50 may leave room for a 64 KiB probe (it depends on how the pages
            // fell): single records fill what is left, so that the store is full for anything.
            for number in 6000..<6500 where refused != nil {
                let response = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: number)))
                if response.status == 200 { acknowledged += 1 } else { refused = response; break }
            }
            let full = try #require(refused, "the store never filled")
            #expect(full.status == 503 && full.bodyText.contains("store.full"), "\(full.bodyText)")
            #expect(full.headers["retry-after"] == "60")
            let ready = try await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/readyz"))
            #expect(ready.status == 503 && ready.bodyText.contains("store full"), "\(ready.bodyText)")
            let metrics = try await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText
            #expect(await eventually { (try? await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/metrics")).bodyText.contains("shuniu_store_writable 0")) == true })
            #expect(metrics.contains("shuniu_store_free_bytes"))
            // A read's own write (its nonce and audit row) is small: it is answered if it fits, else refused alike.
            let read = try await consumer.feed(limit: 1)
            #expect(read.status == 200 || (read.status == 503 && read.bodyText.contains("store.full")), "\(read.bodyText.prefix(300))")
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 50, start: 8000))).status == 503)

            // Space returns: the hub notices without being asked, and takes pushes again.
            try await sqlite.limitSize(to: 1 << 40)
            #expect(await eventually { (try? await http.send(OutgoingRequest(method: "GET", url: hub.baseURL + "/readyz")).status) == 200 })
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 5, start: 9000))).status == 200)
            #expect(try await hub.store.versionCount() == acknowledged + 5)
            #expect(try await consumer.feed().status == 200)
        }
    }

    @Test("storage.maxSizeBytes is read and range-checked")
    func configuration() throws {
        let configuration = try HubConfiguration.parse("storage:\n  maxSizeBytes: 2097152\n", file: "shuniu.yaml")
        #expect(configuration.maxStoreBytes == 2_097_152)
        #expect(throws: DiagnosticsError.self) { try HubConfiguration.parse("storage:\n  maxSizeBytes: 10\n", file: "shuniu.yaml") }
    }
}
