import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

/// Changes the store behind the hub's back, as an attacker with file access would, to show
/// that the audit chain notices.
enum StoreTampering {
    static func rewriteAuditActor(databasePath: String, id: Int64, actor: String) throws {
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_entry_no_update")
            try db.execute(sql: "UPDATE audit_entry SET actor = ? WHERE id = ?", arguments: [actor, id])
        }
        try queue.close()
    }

    /// Runs `body` in one transaction on the file, with every guarding trigger dropped first
    /// and foreign keys not enforced.
    static func write(databasePath: String, _ body: (Database) throws -> Void) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: databasePath, configuration: configuration)
        try queue.write { db in
            for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_%'") {
                try db.execute(sql: "DROP TRIGGER \(trigger)")
            }
            try body(db)
        }
        try queue.close()
    }

    /// How an attacker recomputes entry hashes: the old unkeyed rule, or an HMAC under a key of their own.
    enum Rehash {
        case sha256
        case hmac([UInt8])

        func hash(_ text: String) -> String {
            switch self {
            case .sha256: DigestAlgorithm.sha256.hexHash(Array(text.utf8))
            case .hmac(let key): Hex.encode(MessageAuthenticator(digest: .sha256).code(key: key, message: Array(text.utf8)))
            }
        }
    }

    /// Recomputes the hash and link of every entry from `id` on, so that the chain is consistent
    /// again under `rule`.
    static func rechain(from id: Int64, rule: Rehash, in db: Database) throws {
        var previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_entry WHERE id < ? ORDER BY id DESC LIMIT 1", arguments: [id])
            ?? String(repeating: "0", count: 64)
        for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_entry WHERE id >= ? ORDER BY id", arguments: [id]) {
            let fields: [String] = [
                previous, String(row["id"] as Int64), row["at"], row["actor_kind"], row["actor"], row["action"], row["outcome"],
                row["subject"] ?? "", row["address"] ?? "", row["detail"],
            ]
            let hash = rule.hash(fields.joined(separator: "\n"))
            try db.execute(sql: "UPDATE audit_entry SET previous_hash = ?, hash = ? WHERE id = ?", arguments: [previous, hash, row["id"] as Int64])
            previous = hash
        }
    }
}
