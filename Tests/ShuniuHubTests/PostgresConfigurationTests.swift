import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Testing

/// The PostgreSQL engine's connection URL: what it reads, what it refuses (naming the part), and
/// that the password never shows.
@Suite("PostgreSQL connection URL")
struct PostgresConfigurationTests {
    @Test("A full URL gives every part; the defaults are port 5432, sslmode=prefer, 10 connections, a 60 s lease")
    func goodURLs() throws {
        let full = try PostgresStoreConfiguration(
            url: "postgresql://hub%40gov:p%40ss@db.example.cn:6432/shuniu_prod?sslmode=verify-full&sslrootcert=/etc/shuniu/db-ca.pem",
            poolSize: 24, leaseSeconds: 90
        )
        #expect(full.user == "hub@gov")
        #expect(full.password == "p@ss")
        #expect(full.host == "db.example.cn" && full.port == 6432 && full.database == "shuniu_prod")
        #expect(full.tls == .verifyFull && full.rootCertificatePath == "/etc/shuniu/db-ca.pem")
        #expect(full.poolSize == 24 && full.leaseSeconds == 90)

        let plain = try PostgresStoreConfiguration(url: "postgres://shuniu@127.0.0.1/hub")
        #expect(plain.password == nil && plain.port == 5432 && plain.tls == .prefer && plain.socketDirectory == nil)
        #expect(plain.poolSize == 10 && plain.leaseSeconds == 60)

        let socket = try PostgresStoreConfiguration(url: "postgres://shuniu@/hub?host=/var/run/postgresql&sslmode=disable", password: "from-file")
        #expect(socket.socketDirectory == "/var/run/postgresql" && socket.host.isEmpty && socket.password == "from-file" && socket.tls == .disable)

        let ipv6 = try PostgresStoreConfiguration(url: "postgres://shuniu@[::1]:5433/hub?sslmode=require")
        #expect(ipv6.host == "::1" && ipv6.port == 5433 && ipv6.tls == .require)
    }

    @Test("Bad URLs are refused with the part they get wrong", arguments: [
        ("mysql://u@h/db", "scheme"),
        ("postgres://h/db", "user"),
        ("postgres://:pw@h/db", "user"),
        ("postgres://u@h", "database"),
        ("postgres://u@h/", "database"),
        ("postgres://u@h:0/db", "port"),
        ("postgres://u@h:70000/db", "port"),
        ("postgres://u@h:port/db", "port"),
        ("postgres://u@/db", "host"),
        ("postgres://u@[::1/db", "host"),
        ("postgres://u@h/db?sslmode=verify-ca", "sslmode"),
        ("postgres://u@h/db?host=relative/dir", "host"),
        ("postgres://u@h/db?sslrootcert=/ca.pem", "sslrootcert"),
        ("postgres://u@h/db?timeout=5", "timeout"),
        ("postgres://u@h/db?sslmode", "sslmode"),
    ])
    func badURLs(url: String, part: String) {
        #expect(throws: PostgresConfigurationError.self) { try PostgresStoreConfiguration(url: url) }
        do {
            _ = try PostgresStoreConfiguration(url: url)
        } catch {
            #expect(error.part == part, "\(url): \(error.message)")
        }
    }

    @Test("Pool size and lease below 1, and a password given twice, are refused")
    func badSettings() {
        #expect(throws: PostgresConfigurationError.self) { try PostgresStoreConfiguration(url: "postgres://u@h/db", poolSize: 0) }
        #expect(throws: PostgresConfigurationError.self) { try PostgresStoreConfiguration(url: "postgres://u@h/db", leaseSeconds: 0) }
        do {
            _ = try PostgresStoreConfiguration(url: "postgres://u:in-url@h/db", password: "in-file")
            Issue.record("a password given twice was accepted")
        } catch {
            #expect(error.part == "password")
            #expect(!error.message.contains("in-url") && !error.message.contains("in-file"))
        }
    }

    @Test("The password appears neither in the description nor in any error")
    func passwordNeverShown() throws {
        let secret = "S3cr3t-Pa55"
        let configuration = try PostgresStoreConfiguration(url: "postgres://hub:\(secret)@db.example.cn:5432/shuniu?sslmode=require")
        #expect(!configuration.description.contains(secret))
        #expect(configuration.description == "postgres://hub:***@db.example.cn:5432/shuniu?sslmode=require")
        #expect(!"\(configuration)".contains(secret))
        let separate = try PostgresStoreConfiguration(url: "postgres://hub@db.example.cn/shuniu", password: secret)
        #expect(!separate.description.contains(secret) && separate.description.contains(":***@"))

        // Every refusal of a URL carrying the password leaves it out.
        for bad in [
            "postgres://hub:\(secret)@db.example.cn:99999/shuniu", "postgres://hub:\(secret)@db.example.cn/shuniu?sslmode=none",
            "postgres://hub:\(secret)@/shuniu", "postgres://hub:\(secret)@db.example.cn", "postgres://hub:\(secret)@db.example.cn:\(secret)/shuniu",
            "mysql://hub:\(secret)@db.example.cn/shuniu", "postgres://hub:\(secret)@db.example.cn/shuniu?password=x",
        ] {
            do {
                _ = try PostgresStoreConfiguration(url: bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(!error.message.contains(secret) && !"\(error)".contains(secret) && !error.part.contains(secret), "\(error.part): \(error.message)")
            }
        }
    }

    @Test("A database that cannot be reached fails to open, once the time given has passed, with store.cannot_open naming it without its password")
    func unreachable() async throws {
        let secret = "S3cr3t-Pa55"
        // A loopback port nothing listens on.
        let port = try LoopbackPort.unused()
        let configuration = try PostgresStoreConfiguration(url: "postgres://hub:\(secret)@127.0.0.1:\(port)/shuniu?sslmode=disable")
        do {
            // Never made: the open fails before the audit key is decided.
            let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("shuniu-unreached-\(UUID().uuidString).key").path
            let store = try await PostgresStore.open(configuration, auditKeyFile: keyFile, logger: PostgresTestDatabase.logger, openTimeout: .seconds(3))
            await store.shutDown()
            Issue.record("opened a database that is not there")
        } catch let error as StoreError {
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains("127.0.0.1:\(port)/shuniu"))
            #expect(!error.description.contains(secret))
        }
    }
}
