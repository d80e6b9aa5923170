import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

extension PostgresStore {
    /// Opens a connection of its own, outside the pool, for what lives as long as a session:
    /// a job's advisory lock, a `LISTEN`. The caller closes it.
    func dedicatedConnection() async throws -> PostgresConnection {
        let settings = configuration
        let connection: PostgresConnection.Configuration
        if let folder = settings.socketDirectory {
            connection = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(settings.port)", username: settings.user, password: settings.password, database: settings.database
            )
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch settings.tls {
            case .disable:
                tls = .disable
            case .prefer:
                tls = .prefer(try NIOSSLContext(configuration: try Self.tlsConfiguration(settings)))
            case .require, .verifyFull:
                tls = .require(try NIOSSLContext(configuration: try Self.tlsConfiguration(settings)))
            }
            connection = .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database, tls: tls)
        }
        do {
            return try await PostgresConnection.connect(configuration: connection, id: Self.nextConnectionID(), logger: logger)
        } catch {
            throw Self.storeError(error, doing: "opening a connection")
        }
    }

    /// The TLS the URL's `sslmode` asks for: verified only under `verify-full` (as libpq).
    static func tlsConfiguration(_ settings: PostgresStoreConfiguration) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard settings.tls == .verifyFull else {
            tls.certificateVerification = .none
            return tls
        }
        tls.certificateVerification = .fullVerification
        if let path = settings.rootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw PostgresConfigurationError(part: "sslrootcert", "sslrootcert \(path) cannot be read")
            }
            tls.trustRoots = .file(path)
        }
        return tls
    }

    private static let connectionIDs = ConnectionIDs()

    static func nextConnectionID() -> Int { connectionIDs.next() }
}

/// Ids for dedicated connections' log lines, apart from the pool's.
private final class ConnectionIDs: Sendable {
    private let counter = Mutex(1_000_000)
    func next() -> Int { counter.withLock { $0 += 1; return $0 } }
}
