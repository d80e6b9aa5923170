import Foundation
import PostgresNIO
import ShuniuCore

/// Connector resets on PostgreSQL: the endpoints' rows are locked (`FOR UPDATE`) before they are
/// read, so that the cursors the audit entry names as forgotten are the ones the reset cleared,
/// even while a connector run on another instance records a page.
extension PostgresStore: ConnectorAdministration {
    public func resetConnectorCursor(connector: String, endpoint: String?, by operatorName: String, reason: String?) async throws -> [String] {
        try await write("resetting a connector's cursors") { [logger] connection in
            let rows = try await connection.rows("""
                SELECT endpoint, cursor FROM connector_state
                WHERE connector = \(connector) AND (\(endpoint)::text IS NULL OR endpoint = \(endpoint)) ORDER BY endpoint FOR UPDATE
                """, logger: logger)
            guard !rows.isEmpty else { return [] }
            try await connection.run("""
                UPDATE connector_state SET cursor = NULL, next_run_at = NULL
                WHERE connector = \(connector) AND (\(endpoint)::text IS NULL OR endpoint = \(endpoint))
                """, logger: logger)
            let endpoints = try rows.map { try $0["endpoint"].decode(String.self) }
            let previous = try rows.map { row in "\(try row["endpoint"].decode(String.self))=\(try row["cursor"].decode(String?.self) ?? "")" }
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "connector.reset_cursor", subject: connector,
                           detail: JSONText.object(["endpoints": endpoints.joined(separator: ","), "previousCursors": previous.joined(separator: ","), "reason": reason ?? ""])),
                at: Date(), on: connection, logger: logger
            )
            return endpoints
        }
    }
}
