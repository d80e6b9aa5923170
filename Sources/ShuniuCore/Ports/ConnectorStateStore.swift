import Foundation

/// What pull connectors keep between runs and restarts: each endpoint's cursor, its last run,
/// success and error, and when it is next due.
///
/// Every engine must keep these guarantees:
/// - **One state per (connector, endpoint)**, created by its first recorded page or run.
/// - **The cursor moves only with a committed page** (``recordConnectorPage``): a success or a
///   failure keeps it, so a run resumes after the last page whose records were committed.
/// - Page and record counts add up across runs; a success sets the failures in a row to zero, a
///   failure sets them to the number given.
/// - Storage faults are thrown as ``StoreError``.
public protocol ConnectorStateStore: Sendable {
    /// Every endpoint's state (or only `connector`'s), by connector and endpoint name.
    func connectorStates(connector: String?) async throws -> [ConnectorState]

    /// Records a committed page: the cursor to resume from and how many records the page held.
    func recordConnectorPage(connector: String, endpoint: String, platform: PlatformID, cursor: String?, records: Int, at instant: Date) async throws

    /// Records a run that ended well (possibly with nothing new) and when the next one is due.
    func recordConnectorSuccess(connector: String, endpoint: String, platform: PlatformID, at instant: Date, nextRunAt: Date) async throws

    /// Records a failed run: its error, the failures in a row so far, and when to try again.
    func recordConnectorFailure(
        connector: String, endpoint: String, platform: String, error: String, failures: Int, at instant: Date, nextRunAt: Date
    ) async throws
}
