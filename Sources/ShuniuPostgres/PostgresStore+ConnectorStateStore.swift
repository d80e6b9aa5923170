import Foundation
import PostgresNIO
import ShuniuCore

/// The pull connectors' port on PostgreSQL. Each change is one upsert, atomic on its own; the
/// jobs that run connectors are meant to run on one instance at a time.
extension PostgresStore: ConnectorStateStore {
    public func connectorStates(connector: String?) async throws -> [ConnectorState] {
        try await self.connection("reading connector states") { [logger] connection in
            try await connection.rows("""
                SELECT * FROM connector_state WHERE \(connector)::text IS NULL OR connector = \(connector) ORDER BY connector, endpoint
                """, logger: logger).map { row in
                ConnectorState(
                    connector: try row["connector"].decode(String.self), endpoint: try row["endpoint"].decode(String.self),
                    platform: try row["platform"].decode(String.self), cursor: try row["cursor"].decode(String?.self),
                    lastRunAt: try row["last_run_at"].decode(Date?.self), lastSuccessAt: try row["last_success_at"].decode(Date?.self),
                    recordsFetched: try row["records_fetched"].decode(Int.self), pagesFetched: try row["pages_fetched"].decode(Int.self),
                    lastError: try row["last_error"].decode(String?.self), lastErrorAt: try row["last_error_at"].decode(Date?.self),
                    consecutiveFailures: try row["consecutive_failures"].decode(Int.self), nextRunAt: try row["next_run_at"].decode(Date?.self)
                )
            }
        }
    }

    public func recordConnectorPage(connector: String, endpoint: String, platform: PlatformID, cursor: String?, records: Int, at instant: Date) async throws {
        try await self.connection("recording a connector page") { [logger] connection in
            try await connection.run("""
                INSERT INTO connector_state (connector, endpoint, platform, cursor, last_run_at, records_fetched, pages_fetched)
                VALUES (\(connector), \(endpoint), \(platform.rawValue), \(cursor), \(instant), \(records), 1)
                ON CONFLICT (connector, endpoint) DO UPDATE SET
                    platform = excluded.platform, cursor = excluded.cursor, last_run_at = excluded.last_run_at,
                    records_fetched = connector_state.records_fetched + excluded.records_fetched,
                    pages_fetched = connector_state.pages_fetched + 1
                """, logger: logger)
        }
    }

    public func recordConnectorSuccess(connector: String, endpoint: String, platform: PlatformID, at instant: Date, nextRunAt: Date) async throws {
        try await self.connection("recording a connector run") { [logger] connection in
            try await connection.run("""
                INSERT INTO connector_state (connector, endpoint, platform, last_run_at, last_success_at, consecutive_failures, next_run_at)
                VALUES (\(connector), \(endpoint), \(platform.rawValue), \(instant), \(instant), 0, \(nextRunAt))
                ON CONFLICT (connector, endpoint) DO UPDATE SET
                    platform = excluded.platform, last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
                    consecutive_failures = 0, next_run_at = excluded.next_run_at
                """, logger: logger)
        }
    }

    public func recordConnectorFailure(
        connector: String, endpoint: String, platform: String, error: String, failures: Int, at instant: Date, nextRunAt: Date
    ) async throws {
        try await self.connection("recording a connector failure") { [logger] connection in
            try await connection.run("""
                INSERT INTO connector_state (connector, endpoint, platform, last_run_at, last_error, last_error_at, consecutive_failures, next_run_at)
                VALUES (\(connector), \(endpoint), \(platform), \(instant), \(error), \(instant), \(failures), \(nextRunAt))
                ON CONFLICT (connector, endpoint) DO UPDATE SET
                    platform = excluded.platform, last_run_at = excluded.last_run_at, last_error = excluded.last_error,
                    last_error_at = excluded.last_error_at, consecutive_failures = excluded.consecutive_failures, next_run_at = excluded.next_run_at
                """, logger: logger)
        }
    }
}
