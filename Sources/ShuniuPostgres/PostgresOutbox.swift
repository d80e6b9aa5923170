import Foundation
import Logging
import PostgresNIO

/// The outbox's rows as ingest and replays add them: pending deliveries of versions to destinations.
enum PostgresOutbox {
    /// One delivery to add: a version for a destination.
    struct Delivery {
        var destination: String
        var versionID: Int64
        var recordID: Int64
    }

    /// Adds `deliveries`, each pending from `instant`, in multi-row statements. Rows take their
    /// ids in the order given (a VALUES list is inserted in order), so deliveries given in version
    /// order keep the order per record that the claims rely on.
    static func enqueue(_ deliveries: [Delivery], at instant: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard !deliveries.isEmpty else { return }
        try await connection.run("""
            INSERT INTO delivery (destination, version_id, record_id, state, enqueued_at, next_attempt_at) VALUES
            """, rows: deliveries, columns: 6, logger: logger) { delivery, row in
            row.bind(delivery.destination, as: "text")
            row.bind(delivery.versionID, as: "bigint")
            row.bind(delivery.recordID, as: "bigint")
            row.bind("pending", as: "text")
            row.bind(instant, as: "timestamptz")
            row.bind(instant, as: "timestamptz")
        }
    }
}
