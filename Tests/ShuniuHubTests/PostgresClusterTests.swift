import Foundation
import Synchronization
import ShuniuTesting
import Testing

/// The throwaway cluster the PostgreSQL tests run on: it starts, serves separate databases, and
/// leaves nothing behind however its scope ends.
@Suite("PostgreSQL test cluster")
struct PostgresClusterTests {
    @Test("A started cluster serves fresh, separate databases over loopback; stopping it removes its folder and closes its port")
    func startsServesAndStops() async throws {
        let (folder, url) = try await PostgresCluster.withRunning { cluster in
            let first = try await cluster.makeDatabase()
            let second = try await cluster.makeDatabase()
            #expect(first != second)
            #expect(first.hasPrefix("postgres://shuniu@127.0.0.1:\(cluster.port)/"))
            try await cluster.psql(first, "CREATE TABLE only_here (id int)")
            #expect(try await cluster.psql(first, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'") == "1")
            #expect(try await cluster.psql(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'") == "0")
            #expect(try await cluster.psql(second, "SELECT current_setting('fsync')") == "off")
            #expect(FileManager.default.fileExists(atPath: cluster.folder + "/.s.PGSQL.\(cluster.port)"))
            return (cluster.folder, first)
        }
        #expect(!FileManager.default.fileExists(atPath: folder))
        try await expectRefused(url)
    }

    @Test("A durable cluster keeps PostgreSQL's own fsync, synchronous commit and full page writes")
    func durable() async throws {
        try await PostgresCluster.withRunning(durable: true) { cluster in
            let database = try await cluster.makeDatabase()
            let settings = "SELECT current_setting('fsync') || current_setting('synchronous_commit') || current_setting('full_page_writes')"
            #expect(try await cluster.psql(database, settings) == "ononon")
        }
    }

    @Test("A body that throws still stops and removes the cluster")
    func stopsWhenTheBodyThrows() async throws {
        struct Planned: Error {}
        let seen = Mutex<(folder: String, url: String)?>(nil)
        await #expect(throws: Planned.self) {
            try await PostgresCluster.withRunning { cluster in
                let url = try await cluster.makeDatabase()
                seen.withLock { $0 = (cluster.folder, url) }
                throw Planned()
            }
        }
        let (folder, url) = try #require(seen.withLock { $0 })
        #expect(!FileManager.default.fileExists(atPath: folder))
        try await expectRefused(url)
    }

    /// `psql` cannot connect to `url` any more.
    private func expectRefused(_ url: String) async throws {
        let psql = try PostgresCluster.newestBinaries() + "/psql"
        let (status, output) = try await ChildProcess.run(psql, [url, "-X", "-c", "SELECT 1"], timeout: 30)
        #expect(status != 0, "the cluster still answers: \(output)")
    }
}
