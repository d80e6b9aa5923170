import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Testing

/// The `shuniu` commands on a hub whose store is PostgreSQL: the same commands as on SQLite,
/// through the real executable, with what only SQLite can do refused with the way to do it.
@Suite("shuniu commands on PostgreSQL", .postgresCluster)
struct PostgresCommandTests {
    /// A configuration naming a fresh database, the audit key in `folder`, the password from a file.
    static func configuration(in folder: TemporaryDirectory) async throws -> (file: String, url: String) {
        let database = try await PostgresTestDatabase.make()
        let passwordFile = folder.file("postgres.password")
        // The cluster trusts loopback connections: the password is read and sent, never needed.
        try "not-a-real-secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let file = folder.file("hub.yaml")
        try """
            storage:
              engine: postgres
              postgres:
                url: \(database.url)?sslmode=disable
                passwordFile: \(passwordFile)
            audit:
              keyFile: \(folder.file("audit.key"))
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return (file, database.url)
    }

    @Test("Operators register and read through the CLI; status names the engine and the database without its password; backup and restore say what to run instead")
    func commands() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (config, url) = try await Self.configuration(in: folder)
        let data = ["--config", config, "--data-dir", folder.path]

        let added = try await CLI.run(["platforms", "add"] + data + [
            "--operator", "zhang.san", "--id", "E4201000009", "--name", "示范平台", "--certified-until", "2027-06-30", "--datasets", "500, 501",
        ])
        #expect(added.status == 0, "\(added.output)")
        let listed = try await CLI.run(["platforms", "list"] + data)
        #expect(listed.status == 0 && listed.output.contains("E4201000009"), "\(listed.output)")

        let status = try await CLI.run(["status", "--json"] + data)
        #expect(status.status == 0, "\(status.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        let hubStatus = try #require(json["status"] as? [String: Any])
        #expect(hubStatus["engine"] as? String == "postgres")
        let location = try #require(hubStatus["location"] as? String)
        #expect(location.hasPrefix(url) && !location.contains("not-a-real-secret") && !status.output.contains("not-a-real-secret"), "\(location)")

        let backup = try await CLI.run(["backup", folder.file("copy.dump")] + data)
        #expect(backup.status == 1, "\(backup.output)")
        #expect(backup.output.contains("pg_dump --format=custom") && backup.output.contains(url), "\(backup.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("copy.dump")))
        #expect(!backup.output.contains("not-a-real-secret"))

        let restore = try await CLI.run(["restore", folder.file("copy.dump")] + data)
        #expect(restore.status == 1 && restore.output.contains("pg_restore"), "\(restore.output)")

        let verified = try await CLI.run(["audit", "verify"] + data)
        #expect(verified.status == 0, "\(verified.output)")
        let audit = try await CLI.run(["audit", "list", "--json"] + data)
        #expect(audit.status == 0 && audit.output.contains("platform.add") && audit.output.contains("zhang.san"), "\(audit.output)")
    }

    @Test("A database that cannot be reached fails the command with the reason, exit 1, within its bound")
    func unreachable() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = folder.file("hub.yaml")
        let port = try LoopbackPort.unused()
        try """
            storage:
              engine: postgres
              postgres:
                url: postgres://shuniu@127.0.0.1:\(port)/shuniu?sslmode=disable
            audit:
              keyFile: \(folder.file("audit.key"))
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try await CLI.run(["status", "--config", file, "--data-dir", folder.path])
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("127.0.0.1:\(port)") || outcome.output.contains("connect"), "\(outcome.output)")
    }
}
