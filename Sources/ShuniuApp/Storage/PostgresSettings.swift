import Foundation
import ShuniuPostgres

/// `storage.postgres`: the database when `storage.engine` is `postgres`.
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `url` | `postgres://USER@HOST[:PORT]/DB[?sslmode=…]` | required | no password in it: the configuration holds no secret |
/// | `passwordFile` | path | none | **secret**: the password, read at start (one line); else `$SHUNIU_POSTGRES_PASSWORD`; else none (peer or certificate authentication) |
/// | `poolSize` | integer 1–200 | `10` | connections this instance keeps open |
/// | `leaseSeconds` | integer 10–3600 | `60` | how long a delivery claim holds before another instance may take it over (an instance that dies mid-send) |
public struct PostgresSettings: Sendable, Equatable {
    public var url: String
    public var passwordFile: String?
    public var poolSize = PostgresStoreConfiguration.defaultPoolSize
    public var leaseSeconds = PostgresStoreConfiguration.defaultLeaseSeconds

    /// The environment variable read when no `passwordFile` is configured.
    public static let passwordVariable = "SHUNIU_POSTGRES_PASSWORD"

    public init(
        url: String, passwordFile: String? = nil, poolSize: Int = PostgresStoreConfiguration.defaultPoolSize,
        leaseSeconds: Int = PostgresStoreConfiguration.defaultLeaseSeconds
    ) {
        self.url = url
        self.passwordFile = passwordFile
        self.poolSize = poolSize
        self.leaseSeconds = leaseSeconds
    }

    /// The password: the file's first line, else the environment's; nil when neither is set.
    /// Read only when the database is opened, and never logged.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw PostgresSettingsError("storage.postgres.passwordFile \(passwordFile): cannot be read")
            }
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw PostgresSettingsError("storage.postgres.passwordFile \(passwordFile): is empty") }
            return line
        }
        if let value = environment[Self.passwordVariable], !value.isEmpty { return value }
        return nil
    }
}

extension PostgresSettings {
    /// The engine's configuration, with the password read now.
    public func storeConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresStoreConfiguration {
        do {
            return try PostgresStoreConfiguration(url: url, password: try password(environment: environment), poolSize: poolSize, leaseSeconds: leaseSeconds)
        } catch let error as PostgresConfigurationError {
            throw PostgresSettingsError("storage.postgres.url: \(error)")
        }
    }
}

/// A PostgreSQL setting that cannot be used; the message names the key, never the secret.
public struct PostgresSettingsError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
