import Logging
import PostgresNIO

/// The benchmark's own connection to a database of its test cluster (loopback, no TLS, no
/// password), beside the hub's: one connection, run for `body`, ended after it.
enum BenchDatabase {
    static func withClient<T: Sendable>(port: Int, user: String, database: String, _ body: (PostgresClient, Logger) async throws -> T) async throws -> T {
        var logger = Logger(label: "shuniu-bench")
        logger.logLevel = .error
        var configuration = PostgresClient.Configuration(host: "127.0.0.1", port: port, username: user, password: nil, database: database, tls: .disable)
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        return try await body(client, logger)
    }
}
