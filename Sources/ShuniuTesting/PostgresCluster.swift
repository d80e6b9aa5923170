import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `postgres` on a free
/// loopback port with its Unix socket in that folder, removed afterwards.
///
/// It is tuned for speed, not durability (no fsync, small buffers): a test cluster holds nothing
/// worth keeping. A benchmark starts it `durable` instead. Its superuser ``user`` logs in without a password, from this machine only.
/// Starting one costs a second or two, so a suite starts one and gives each test a fresh database
/// (``makeDatabase()``). When the tests run as root, `initdb` and `postgres` (which refuses root)
/// run as the unprivileged `postgres` user, owner of the folder.
public final class PostgresCluster: Sendable {
    /// The cluster's superuser.
    public let user = "shuniu"
    public let port: Int
    /// The folder holding the data directory, the socket and the server's log.
    public let folder: String
    private let binaries: String
    private let server: ChildProcess
    private let databases = Atomic<Int>(0)

    /// The server's log so far.
    public var log: String { server.output }

    /// A URL of the cluster's `postgres` database.
    public var url: String { "postgres://\(user)@127.0.0.1:\(port)/postgres" }

    /// A server certificate (PEM) and its key, for a cluster that takes only TLS connections over TCP.
    public struct ServerTLS: Sendable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    /// Starts a cluster, runs `body` with it, and stops and removes it on every path out of `body`.
    /// With `tls`, TCP clients must use TLS (the server's certificate and key are copied in).
    /// `durable` keeps PostgreSQL's own settings (fsync, synchronous commit, full page writes,
    /// 128 MB of shared buffers), for figures comparable with a store that syncs each commit.
    public static func withRunning<T: Sendable>(
        tls: ServerTLS? = nil, durable: Bool = false, _ body: (PostgresCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await blocking { try PostgresCluster(tls: tls, durable: durable) }
        let result: T
        do {
            result = try await body(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
        return result
    }

    /// Creates a fresh empty database; its URL.
    public func makeDatabase() async throws -> String {
        let name = "test_\(databases.add(1, ordering: .relaxed).newValue)"
        let (status, output) = try await ChildProcess.run(
            binaries + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, name], timeout: 30
        )
        guard status == 0 else { throw TestHubError(message: "createdb \(name) failed (\(status)): \(output)") }
        return "postgres://\(user)@127.0.0.1:\(port)/\(name)"
    }

    /// Runs `sql` through `psql` against `database` (a URL); what it printed, unaligned, tuples only.
    public func psql(_ database: String, _ sql: String) async throws -> String {
        let (status, output) = try await ChildProcess.run(binaries + "/psql", [database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], timeout: 30)
        guard status == 0 else { throw TestHubError(message: "psql failed (\(status)): \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Fast shutdown (SIGINT: clients are disconnected), SIGKILL if it takes too long; then the
    /// folder is removed.
    private func stop() async {
        server.signal(SIGINT)
        _ = try? await server.stopped(grace: .seconds(15))
        try? FileManager.default.removeItem(atPath: folder)
    }

    private init(tls: ServerTLS?, durable: Bool) throws {
        let binaries = try PostgresCluster.newestBinaries()
        PostgresCluster.removeStaleClusters()
        let folder = try TemporaryDirectory(prefix: "shuniu-pg")
        do {
            try PostgresCluster.claim(folder.path)
            let runAs = try PostgresCluster.serverUser(owning: folder.path)
            let data = folder.file("data")
            let (initdbPath, initdbArguments) = runAs.command(binaries + "/initdb", [
                "-D", data, "-U", "shuniu", "--auth=trust", "--no-sync", "--no-locale", "-E", "UTF8",
            ])
            let initdb = try ChildProcess.run(initdbPath, initdbArguments, timeout: 120)
            guard initdb.status == 0 else { throw TestHubError(message: "initdb failed (\(initdb.status)): \(initdb.output)") }
            let speed = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=16MB"]
            var settings = (durable ? ["shared_buffers=128MB"] : speed) + ["max_connections=200", "log_min_messages=warning"]
            if let tls {
                // The server reads its key only when the key is its own and private.
                for (source, name, mode) in [(tls.certificate, "server.crt", 0o644), (tls.key, "server.key", 0o600)] {
                    try FileManager.default.copyItem(atPath: source, toPath: folder.file(name))
                    try runAs.give(folder.file(name), mode: mode_t(mode))
                }
                settings += ["ssl=on", "ssl_cert_file=\(folder.file("server.crt"))", "ssl_key_file=\(folder.file("server.key"))"]
                try "local all all trust\nhostssl all all 127.0.0.1/32 trust\n".write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
            }

            // A port free a moment ago may be taken by the time the server binds it: try a few.
            var started: (ChildProcess, Int)?
            var failures: [String] = []
            for _ in 0..<3 where started == nil {
                let port = try LoopbackPort.unused()
                let (path, arguments) = runAs.command(
                    binaries + "/postgres", ["-D", data, "-h", "127.0.0.1", "-p", String(port), "-k", folder.path] + settings.flatMap { ["-c", $0] }
                )
                let server = try ChildProcess(path, arguments, outputFile: folder.file("postgres.log"))
                if try PostgresCluster.waitUntilReady(server, binaries: binaries, port: port) {
                    started = (server, port)
                } else {
                    failures.append(server.output)
                    server.signal(SIGINT)
                    server.stop(grace: .seconds(10))
                }
            }
            guard let (server, port) = started else {
                throw TestHubError(message: "postgres did not start: \(failures.joined(separator: "\n---\n"))")
            }
            self.binaries = binaries
            self.folder = folder.path
            self.server = server
            self.port = port
        } catch {
            folder.remove()
            throw error
        }
    }

    /// Polls `pg_isready` until the server accepts connections (true), ends, or 30 s pass (false).
    @available(*, noasync)
    private static func waitUntilReady(_ server: ChildProcess, binaries: String, port: Int) throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while server.isRunning && ContinuousClock.now < deadline {
            let probe = try ChildProcess.run(
                binaries + "/pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-U", "shuniu", "-d", "postgres", "-t", "2"], timeout: 5
            )
            if probe.status == 0 { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The newest installed PostgreSQL's `bin` folder (Debian's layout), or an error saying how to install it.
    public static func newestBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init)
            .sorted(by: >)
        for version in versions {
            let bin = "\(root)/\(version)/bin"
            if ["initdb", "postgres", "pg_isready", "createdb", "psql"].allSatisfy({ FileManager.default.isExecutableFile(atPath: "\(bin)/\($0)") }) {
                return bin
            }
        }
        throw TestHubError(message: "PostgreSQL is not installed (no \(root)/*/bin/postgres): run Ops/install-deps.sh")
    }

    /// Who runs the cluster's programs: the current user, or (as root) the `postgres` user.
    private struct ServerUser {
        /// What goes before the program: nothing, or `setpriv` switching to the `postgres` user.
        let prefix: [String]
        /// The `postgres` user's ids, when switching to it.
        var ids: (user: uid_t, group: gid_t)?

        /// Makes a file the server's own, with `mode`.
        func give(_ path: String, mode: mode_t) throws {
            if let ids, chown(path, ids.user, ids.group) != 0 {
                throw TestHubError(message: "cannot give \(path) to the postgres user: \(String(cString: strerror(errno)))")
            }
            guard chmod(path, mode) == 0 else { throw TestHubError(message: "chmod \(path): \(String(cString: strerror(errno)))") }
        }

        func command(_ program: String, _ arguments: [String]) -> (path: String, arguments: [String]) {
            guard let first = prefix.first else { return (program, arguments) }
            return (first, Array(prefix.dropFirst()) + [program] + arguments)
        }
    }

    /// As root: the `postgres` user, after giving it `folder`. Otherwise the current user.
    private static func serverUser(owning folder: String) throws -> ServerUser {
        guard getuid() == 0 else { return ServerUser(prefix: []) }
        guard let account = getpwnam("postgres") else {
            throw TestHubError(message: "running as root, and there is no postgres user to run the test cluster as: run Ops/install-deps.sh")
        }
        guard chown(folder, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw TestHubError(message: "cannot give \(folder) to the postgres user: \(String(cString: strerror(errno)))")
        }
        return ServerUser(
            prefix: ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"],
            ids: (account.pointee.pw_uid, account.pointee.pw_gid)
        )
    }
}
