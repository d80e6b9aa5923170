import GRDB

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
}
