import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTesting
import Testing

@Suite("Configuration: storage.engine and storage.postgres")
struct StorageConfigurationTests {
    @Test("SQLite is the embedded default; postgres takes its URL, pool and lease")
    func engines() throws {
        #expect(HubConfiguration().engine == .sqlite)
        #expect(HubConfiguration().postgres == nil)
        let configuration = try HubConfiguration.parse("""
            storage:
              engine: postgres
              postgres:
                url: postgres://shuniu@db.internal:5433/shuniu?sslmode=verify-full
                passwordFile: /etc/shuniu/postgres.password
                poolSize: 20
                leaseSeconds: 120
            """, file: "hub.yaml")
        #expect(configuration.engine == .postgres)
        #expect(configuration.postgres == PostgresSettings(
            url: "postgres://shuniu@db.internal:5433/shuniu?sslmode=verify-full", passwordFile: "/etc/shuniu/postgres.password",
            poolSize: 20, leaseSeconds: 120
        ))
        let defaults = try HubConfiguration.parse("storage:\n  engine: postgres\n  postgres:\n    url: postgresql://shuniu@db/shuniu\n", file: "hub.yaml")
        #expect(defaults.postgres?.poolSize == 10 && defaults.postgres?.leaseSeconds == 60)
    }

    @Test("Storage mistakes are reported by key and line, and never repeat a password", arguments: [
        ("storage:\n  engine: oracle\n", 2, "'storage.engine' must be one of sqlite, postgres, got 'oracle'"),
        ("storage:\n  engine: postgres\n", 2, "'storage.engine: postgres' needs 'storage.postgres.url'"),
        ("storage:\n  engine: postgres\n  postgres:\n    poolSize: 5\n", 4, "'storage.postgres.url' is required"),
        ("storage:\n  engine: postgres\n  postgres:\n    url: mysql://db/shuniu\n", 4, "'storage.postgres.url' must start with postgres://"),
        ("storage:\n  engine: postgres\n  postgres:\n    url: postgres://shuniu:hunter2@db/shuniu\n", 4, "'storage.postgres.url' must not hold a password"),
        ("storage:\n  engine: postgres\n  postgres:\n    url: postgres://db/shuniu\n    poolSize: 0\n", 5, "'storage.postgres.poolSize' must be a whole number from 1 to 200"),
        ("storage:\n  engine: postgres\n  postgres:\n    url: postgres://db/shuniu\n    leaseSeconds: 5\n", 5, "'storage.postgres.leaseSeconds' must be a whole number from 10 to 3600"),
        ("storage:\n  engine: postgres\n  postgres:\n    url: postgres://db/shuniu\n    password: x\n", 5, "password"),
        ("storage:\n  postgres:\n    url: postgres://db/shuniu\n", 2, "'storage.postgres' is set but 'storage.engine' is sqlite"),
    ])
    func mistakes(yaml: String, line: Int, message: String) throws {
        let error = try #require(throws: DiagnosticsError.self) { try HubConfiguration.parse(yaml, file: "hub.yaml") }
        let diagnostic = try #require(error.diagnostics.first { $0.message.contains(message) }, "\(error.diagnostics)")
        #expect(diagnostic.line == line)
        #expect(!error.description.contains("hunter2"))
    }

    @Test("The password comes from its file, else the environment, else none")
    func password() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = folder.path + "/postgres.password"
        try "s3cret-from-file\nignored second line\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = [PostgresSettings.passwordVariable: "s3cret-from-env"]
        #expect(try PostgresSettings(url: "postgres://db/x", passwordFile: file).password(environment: environment) == "s3cret-from-file")
        #expect(try PostgresSettings(url: "postgres://db/x").password(environment: environment) == "s3cret-from-env")
        #expect(try PostgresSettings(url: "postgres://db/x").password(environment: [:]) == nil)

        let missing = PostgresSettings(url: "postgres://db/x", passwordFile: folder.path + "/none")
        let error = try #require(throws: PostgresSettingsError.self) { try missing.password(environment: environment) }
        #expect(error.description.contains("storage.postgres.passwordFile") && error.description.contains("cannot be read"))
        try "".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: PostgresSettingsError.self) { try PostgresSettings(url: "postgres://db/x", passwordFile: file).password(environment: [:]) }
    }
}
