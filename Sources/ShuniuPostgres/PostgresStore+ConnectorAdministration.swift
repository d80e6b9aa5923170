import Foundation
import ShuniuCore

// SCAFFOLD: every method below is to be built.
extension PostgresStore: ConnectorAdministration {
    public func resetConnectorCursor(connector: String, endpoint: String?, by operatorName: String, reason: String?) async throws -> [String] { throw Self.notYet("resetConnectorCursor") }
}
