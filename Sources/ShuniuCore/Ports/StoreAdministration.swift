/// The store as its operator runs it: what it holds and where, its size and room, backups, and
/// closing it.
///
/// Every engine must keep these guarantees:
/// - ``status()`` names the engine and its ``location`` (a file's path, a database's address
///   without its password: never a secret).
/// - **A backup is either made whole and checked, or refused**: an engine that makes its own
///   copy checks it (integrity, audit chain) before it takes its name, never overwrites a file
///   (``StoreError/Code/backupExists``), and audits it as `store.backup`. An engine whose copies
///   are made by its own tools (PostgreSQL: `pg_dump`) throws ``StoreError/Code/backupUnsupported``
///   with the command to use in its message, and changes nothing.
/// - ``observeWriteState(_:)`` tells each change of ``StoreReadiness/writeState`` once, so that
///   a full or unwritable store is logged once, not at every refused request; ``probeWrite()``
///   is a write that proves room for a batch, and turns the state writable when it succeeds.
/// - After ``close()`` nothing is written; closing twice is harmless.
public protocol StoreAdministration: StoreReadiness {
    /// Where the store is: a file's path, or a database's address without its password.
    var location: String { get }

    /// What the hub holds: records, versions, platforms, consumers, disputes, audit entries.
    func status() async throws -> HubStatus

    /// The store's size in bytes, as its engine counts it.
    func storeBytes() async throws -> Int64

    /// Free space where the store is kept; nil when the engine cannot tell (a remote database).
    func freeDiskBytes() -> Int64?

    /// A write that proves room for a batch, removed again.
    func probeWrite() async throws

    /// Calls `handler` at each change of the write state.
    func observeWriteState(_ handler: @escaping @Sendable (StoreWriteState) -> Void)

    /// Copies the store into a new file at `file`, checked, audited; or refuses with advice.
    func backup(to file: String, by operatorName: String) async throws -> BackupCheck

    /// Closes the store: the last thing the hub or a command does with it.
    func close() throws
}
