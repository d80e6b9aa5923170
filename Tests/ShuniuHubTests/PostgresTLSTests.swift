import Foundation
import ShuniuCore
import ShuniuPostgres
import ShuniuTesting
import Testing

/// TLS to the database, as the URL's `sslmode` asks, against a cluster that takes TCP clients
/// only over TLS, with a certificate for 127.0.0.1 from a test CA.
@Suite("PostgreSQL over TLS")
struct PostgresTLSTests {
    @Test("require, prefer and verify-full (with the server's CA) connect; disable, and verify-full with another CA or the system's, do not")
    func sslModes() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await ServerTLSTests.makePKI(in: folder)
        let tls = PostgresCluster.ServerTLS(certificate: folder.file("server-rsa.pem"), key: folder.file("server-rsa.key"))
        try await PostgresCluster.withRunning(tls: tls) { cluster in
            let url = try await cluster.makeDatabase()
            @Sendable func open(_ parameters: String, timeout: Duration) async throws -> PostgresStore {
                try await PostgresStore.open(
                    PostgresStoreConfiguration(url: "\(url)?\(parameters)"), auditKeyFile: folder.file("audit.key"), logger: PostgresTestDatabase.logger,
                    openTimeout: timeout
                )
            }
            for parameters in ["sslmode=require", "sslmode=prefer", "sslmode=verify-full&sslrootcert=\(folder.file("ca.pem"))"] {
                let store = try await open(parameters, timeout: .seconds(30))
                let control = try? await store.destinationControl("up")
                await store.shutDown()
                #expect(control?.consecutiveFailures == 0, "\(parameters)")
            }
            let refused = [
                "sslmode=disable", "sslmode=verify-full&sslrootcert=\(folder.file("ca-next.pem"))", "sslmode=verify-full",
            ]
            let outcomes = await withTaskGroup(of: (String, StoreError.Code?).self) { group in
                for parameters in refused {
                    group.addTask {
                        do {
                            await (try open(parameters, timeout: .seconds(4))).shutDown()
                            return (parameters, nil)
                        } catch {
                            return (parameters, (error as? StoreError)?.code)
                        }
                    }
                }
                return await group.reduce(into: [String: StoreError.Code?]()) { $0[$1.0] = $1.1 }
            }
            for parameters in refused {
                #expect(outcomes[parameters] == .some(.cannotOpen), "\(parameters)")
            }
        }
    }
}
