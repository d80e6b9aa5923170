/// Pull connectors' state as operators see and reset it.
///
/// Every engine must keep this guarantee: **a reset and its audit entry
/// (`connector.reset_cursor`, naming the cursors forgotten) are one transaction**, and the
/// connector's next run, on whichever instance, starts from the beginning.
public protocol ConnectorAdministration: ConnectorStateStore {
    /// Forgets a connector's cursors (one endpoint's, or all) and makes its next run due now;
    /// returns the endpoints reset (none when the connector never ran).
    @discardableResult
    func resetConnectorCursor(connector: String, endpoint: String?, by operatorName: String, reason: String?) async throws -> [String]
}

extension ConnectorAdministration {
    /// Every connector's endpoints.
    public func connectorStates() async throws -> [ConnectorState] {
        try await connectorStates(connector: nil)
    }
}
