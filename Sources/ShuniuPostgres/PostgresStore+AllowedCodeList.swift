import Foundation
import PostgresNIO
import ShuniuCore
import Synchronization

/// The operators' allowed codes on PostgreSQL. Each change is one statement that either changes
/// the row or finds it already changed (an insert that does nothing on conflict, a delete that
/// returns the row), so that when two instances run the same command at once exactly one
/// changes the list and audits it.
extension PostgresStore: AllowedCodeList {
    /// How long the hub's start waits for the list before it gives up.
    static let allowedCodesAtStartBound: Duration = .seconds(30)

    public func allowCode(_ code: String, kind: String, reason: String, by operatorName: String) async throws -> AllowedCode {
        try await write("allowing a code") { [logger] connection in
            let now = Date()
            guard let row = try await connection.rows("""
                INSERT INTO allowed_code (code, kind, reason, added_by, added_at)
                VALUES (\(code), \(kind), \(reason), \(operatorName), \(PostgresAuditChain.timestamp(now)))
                ON CONFLICT (code) DO NOTHING RETURNING *
                """, logger: logger).first else {
                throw StoreError(.invalidChange, "\(code) is allowed already (shuniu codes list)")
            }
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "codes.allow", subject: code,
                           detail: JSONText.object(["kind": kind, "reason": reason])),
                at: now, on: connection, logger: logger
            )
            return try Self.allowedCode(from: row)
        }
    }

    public func removeAllowedCode(_ code: String, reason: String, by operatorName: String) async throws {
        try await write("removing an allowed code") { [logger] connection in
            guard let row = try await connection.rows("DELETE FROM allowed_code WHERE code = \(code) RETURNING *", logger: logger).first else {
                throw StoreError(.notFound, "\(code) is not on the operators' list (shuniu codes list)")
            }
            let allowed = try Self.allowedCode(from: row)
            try await PostgresAuditChain.append(
                AuditEvent(actorKind: .operator, actor: operatorName, action: "codes.remove", subject: code,
                           detail: JSONText.object(["kind": allowed.kind, "reason": reason, "allowedBy": allowed.addedBy])),
                at: Date(), on: connection, logger: logger
            )
        }
    }

    public func allowedCodes() async throws -> [AllowedCode] {
        try await connection("reading the allowed codes") { [logger] connection in
            // Byte order, as SQLite sorts text.
            try await connection.rows("SELECT * FROM allowed_code ORDER BY code COLLATE \"C\"", logger: logger).map { try Self.allowedCode(from: $0) }
        }
    }

    public func allowedCodesAtStart() throws -> [AllowedCode] {
        try allowedCodesAtStart(within: Self.allowedCodesAtStartBound)
    }

    /// Blocks the calling thread (the hub's start, before any task runs) while a detached task
    /// reads the list; gives up after `bound` rather than hang the start on a database that
    /// does not answer (``StoreError/Code/unavailable``).
    public func allowedCodesAtStart(within bound: Duration) throws -> [AllowedCode] {
        let answer = BlockingAnswer<[AllowedCode]>()
        let reading = Task.detached { [self] in
            do { answer.give(.success(try await allowedCodes())) } catch { answer.give(.failure(error)) }
        }
        guard let result = answer.wait(upTo: bound) else {
            reading.cancel()
            throw StoreError(.unavailable, "the database did not answer within \(bound) while reading the allowed codes at start")
        }
        return try result.get()
    }

    static func allowedCode(from row: PostgresRandomAccessRow) throws -> AllowedCode {
        let code = try row["code"].decode(String.self)
        // Stored as the audit chain's time text, as the SQLite engine stores it.
        guard let addedAt = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(try row["added_at"].decode(String.self)) else {
            throw StoreError(.corruptRow, "allowed code \(code) has an unreadable time")
        }
        return AllowedCode(
            code: code, kind: try row["kind"].decode(String.self), reason: try row["reason"].decode(String.self),
            addedBy: try row["added_by"].decode(String.self), addedAt: addedAt
        )
    }
}

/// A value handed from a task to a thread that waits for it, up to a bound.
private final class BlockingAnswer<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)
    private let given = DispatchSemaphore(value: 0)

    func give(_ result: Result<T, any Error>) {
        value.withLock { $0 = result }
        given.signal()
    }

    /// The value, or nil when none was given within `bound`.
    func wait(upTo bound: Duration) -> Result<T, any Error>? {
        let seconds = Double(bound.components.seconds) + Double(bound.components.attoseconds) / 1e18
        guard given.wait(timeout: .now() + seconds) == .success else { return nil }
        return value.withLock { $0 }
    }
}
