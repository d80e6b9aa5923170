import GRDB

extension HubStore {
    /// The schema, one migration per change; a migration once shipped is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-platforms-records-audit") { db in
            try db.execute(sql: """
                CREATE TABLE platform (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
                    certified_until TEXT NOT NULL,
                    allowed_datasets TEXT NOT NULL,
                    app_key TEXT NOT NULL UNIQUE,
                    app_secret TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    last_ingest_at DATETIME
                );

                CREATE TABLE record (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    dataset TEXT NOT NULL,
                    business_key TEXT NOT NULL,
                    owner_platform TEXT NOT NULL REFERENCES platform(id),
                    latest_version INTEGER NOT NULL,
                    latest_hash TEXT NOT NULL,
                    region_code TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    UNIQUE (dataset, business_key)
                );
                CREATE INDEX record_by_owner ON record(owner_platform, dataset);

                CREATE TABLE record_version (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    record_id INTEGER NOT NULL REFERENCES record(id),
                    version INTEGER NOT NULL,
                    dataset TEXT NOT NULL,
                    business_key TEXT NOT NULL,
                    source_platform TEXT NOT NULL REFERENCES platform(id),
                    region_code TEXT,
                    raw_payload TEXT NOT NULL,
                    normalized_payload TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    spec_version TEXT NOT NULL,
                    received_at DATETIME NOT NULL,
                    UNIQUE (record_id, version)
                );
                CREATE INDEX record_version_by_source ON record_version(source_platform, dataset);

                -- Versions are history: never changed, never removed.
                CREATE TRIGGER record_version_no_update BEFORE UPDATE ON record_version
                BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END;
                CREATE TRIGGER record_version_no_delete BEFORE DELETE ON record_version
                BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END;

                CREATE TABLE request_nonce (
                    app_key TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    seen_at DOUBLE NOT NULL,
                    PRIMARY KEY (app_key, nonce)
                ) WITHOUT ROWID;
                CREATE INDEX request_nonce_by_time ON request_nonce(seen_at);

                CREATE TABLE audit_entry (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor_kind TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    subject TEXT,
                    address TEXT,
                    detail TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_entry_by_action ON audit_entry(action, id);
                CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("2-outbox") { db in
            try db.execute(sql: """
                -- One row per (destination, record version) enqueued — a replay adds another — with its delivery state.
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    destination TEXT NOT NULL,
                    version_id INTEGER NOT NULL REFERENCES record_version(id),
                    record_id INTEGER NOT NULL REFERENCES record(id),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'retrying', 'delivered', 'dead', 'superseded', 'discarded')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    enqueued_at DOUBLE NOT NULL,
                    next_attempt_at DOUBLE NOT NULL,
                    last_attempt_at DOUBLE,
                    delivered_at DOUBLE,
                    last_status INTEGER,
                    last_error TEXT,
                    last_response TEXT
                );
                CREATE INDEX delivery_by_version ON delivery(version_id, destination);
                CREATE INDEX delivery_due ON delivery(destination, state, next_attempt_at);
                CREATE INDEX delivery_by_state ON delivery(destination, state, id);
                CREATE INDEX delivery_by_record ON delivery(destination, record_id, id);
                CREATE INDEX delivery_delivered ON delivery(destination, delivered_at) WHERE state = 'delivered';

                -- Counts per destination and state, kept by triggers in the same transaction as
                -- every change, so that `shuniu queues` never scans the outbox.
                CREATE TABLE queue_counter (
                    destination TEXT NOT NULL,
                    state TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (destination, state)
                ) WITHOUT ROWID;
                CREATE TRIGGER delivery_counted_insert AFTER INSERT ON delivery BEGIN
                    INSERT INTO queue_counter (destination, state, count) VALUES (NEW.destination, NEW.state, 1)
                    ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
                END;
                CREATE TRIGGER delivery_counted_update AFTER UPDATE OF state ON delivery WHEN OLD.state != NEW.state BEGIN
                    UPDATE queue_counter SET count = count - 1 WHERE destination = OLD.destination AND state = OLD.state;
                    INSERT INTO queue_counter (destination, state, count) VALUES (NEW.destination, NEW.state, 1)
                    ON CONFLICT (destination, state) DO UPDATE SET count = count + 1;
                END;
                CREATE TRIGGER delivery_no_delete BEFORE DELETE ON delivery
                BEGIN SELECT RAISE(ABORT, 'deliveries are history: discard them instead'); END;

                -- What the hub knows of each destination between restarts.
                CREATE TABLE destination_state (
                    name TEXT PRIMARY KEY NOT NULL,
                    paused INTEGER NOT NULL DEFAULT 0,
                    paused_by TEXT,
                    paused_reason TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    circuit_open_until DOUBLE,
                    last_success_at DOUBLE,
                    last_error TEXT,
                    last_error_at DOUBLE
                );
                """)
        }
        migrator.registerMigration("3-mapped-payloads") { db in
            try db.execute(sql: """
                -- A platform's own payload exactly as it arrived (JSON or XML), kept once per
                -- request; the versions mapped from it point here.
                CREATE TABLE raw_payload (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    platform TEXT NOT NULL REFERENCES platform(id),
                    received_at DATETIME NOT NULL,
                    format TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE TRIGGER raw_payload_no_update BEFORE UPDATE ON raw_payload
                BEGIN SELECT RAISE(ABORT, 'payloads are immutable'); END;
                CREATE TRIGGER raw_payload_no_delete BEFORE DELETE ON raw_payload
                BEGIN SELECT RAISE(ABORT, 'payloads are immutable'); END;

                ALTER TABLE record_version ADD COLUMN payload_id INTEGER REFERENCES raw_payload(id);
                ALTER TABLE record_version ADD COLUMN source_path TEXT;
                ALTER TABLE record_version ADD COLUMN mapping_version TEXT;
                """)
        }
        migrator.registerMigration("4-platform-certificates") { db in
            try db.execute(sql: """
                -- The operator's 统一社会信用代码: whose certificates may sign for the platform.
                ALTER TABLE platform ADD COLUMN operator_code TEXT;

                -- Signing certificates registered per platform. A removed one keeps its row
                -- (removed_at set), so past requests can always be traced to their certificate.
                CREATE TABLE platform_certificate (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    platform TEXT NOT NULL REFERENCES platform(id),
                    fingerprint TEXT NOT NULL,
                    der BLOB NOT NULL,
                    chain TEXT NOT NULL,
                    ca TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    serial TEXT NOT NULL,
                    identity_code TEXT NOT NULL,
                    identity_code_type TEXT NOT NULL,
                    not_after DATETIME NOT NULL,
                    added_by TEXT NOT NULL,
                    added_at DATETIME NOT NULL,
                    removed_by TEXT,
                    removed_at DATETIME,
                    removed_reason TEXT
                );
                -- A fingerprint names one platform: at most one registration of it is in force.
                CREATE UNIQUE INDEX platform_certificate_in_force ON platform_certificate(fingerprint) WHERE removed_at IS NULL;
                CREATE INDEX platform_certificate_by_platform ON platform_certificate(platform, id);
                CREATE TRIGGER platform_certificate_no_delete BEFORE DELETE ON platform_certificate
                BEGIN SELECT RAISE(ABORT, 'certificate registrations are kept; mark them removed'); END;
                """)
        }
        migrator.registerMigration("5-record-signatures") { db in
            try db.execute(sql: """
                -- A record's detached signature as verified before the version was stored: the
                -- signature, the signer's certificate, identity and CA, and the CRLs consulted
                -- (canonical JSON; NULL for unsigned records).
                ALTER TABLE record_version ADD COLUMN signature TEXT;
                """)
        }
        migrator.registerMigration("6-consumers-grants") { db in
            try db.execute(sql: """
                -- Registered readers: superior hubs, supervision platforms. One optional signing
                -- certificate each (replaced, audited, when it is renewed).
                CREATE TABLE consumer (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
                    app_key TEXT NOT NULL UNIQUE,
                    app_secret TEXT NOT NULL,
                    requests_per_minute INTEGER NOT NULL,
                    certificate_fingerprint TEXT UNIQUE,
                    certificate_der BLOB,
                    certificate_chain TEXT,
                    certificate_ca TEXT,
                    certificate_subject TEXT,
                    certificate_identity TEXT,
                    certificate_not_after DATETIME,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    last_read_at DATETIME
                );

                -- Grants (共享授权): one conditional dataset to one consumer, for a purpose, until an
                -- expiry. Revoked grants keep their row.
                CREATE TABLE data_grant (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    consumer TEXT NOT NULL REFERENCES consumer(id),
                    dataset TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    personal_data INTEGER NOT NULL,
                    approved_by TEXT NOT NULL,
                    granted_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    revoked_by TEXT,
                    revoked_at DATETIME,
                    revoked_reason TEXT
                );
                CREATE INDEX data_grant_by_consumer ON data_grant(consumer, dataset);
                CREATE TRIGGER data_grant_no_delete BEFORE DELETE ON data_grant
                BEGIN SELECT RAISE(ABORT, 'grants are kept; revoke them instead'); END;
                """)
        }
        migrator.registerMigration("7-pull-connectors") { db in
            try db.execute(sql: """
                -- Each pull connector's endpoint between restarts: where it resumes (cursor), what
                -- it fetched, and its schedule and back-off. Times are Unix seconds.
                CREATE TABLE connector_state (
                    connector TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    cursor TEXT,
                    last_run_at DOUBLE,
                    last_success_at DOUBLE,
                    records_fetched INTEGER NOT NULL DEFAULT 0,
                    pages_fetched INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    last_error_at DOUBLE,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    next_run_at DOUBLE,
                    PRIMARY KEY (connector, endpoint)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("8-disputes") { db in
            try db.execute(sql: """
                -- Doubts raised about records (疑义校核), closed by a corrected version or a reasoned
                -- rejection; never deleted.
                CREATE TABLE dispute (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    record_id INTEGER NOT NULL REFERENCES record(id),
                    dataset TEXT NOT NULL,
                    business_key TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    field_label TEXT,
                    reason TEXT NOT NULL,
                    raised_by TEXT NOT NULL,
                    raised_at DATETIME NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'corrected', 'rejected')),
                    resolved_by TEXT,
                    resolved_at DATETIME,
                    resolution TEXT,
                    corrected_version INTEGER
                );
                CREATE INDEX dispute_open_by_record ON dispute(record_id) WHERE status = 'open';
                CREATE INDEX dispute_by_platform ON dispute(platform, status, id);
                CREATE TRIGGER dispute_no_delete BEFORE DELETE ON dispute
                BEGIN SELECT RAISE(ABORT, 'disputes are kept'); END;
                """)
        }
        migrator.registerMigration("9-withdrawals") { db in
            try db.execute(sql: """
                -- A record withdrawn by a version of another (a 302 blacklist entry by its 303
                -- withdrawal): the original is kept and read as withdrawn.
                CREATE TABLE record_withdrawal (
                    record_id INTEGER NOT NULL REFERENCES record(id),
                    withdrawal_version_id INTEGER NOT NULL REFERENCES record_version(id),
                    withdrawn_at DATETIME NOT NULL,
                    PRIMARY KEY (record_id, withdrawal_version_id)
                ) WITHOUT ROWID;
                CREATE TRIGGER record_withdrawal_no_update BEFORE UPDATE ON record_withdrawal
                BEGIN SELECT RAISE(ABORT, 'withdrawals are immutable'); END;
                CREATE TRIGGER record_withdrawal_no_delete BEFORE DELETE ON record_withdrawal
                BEGIN SELECT RAISE(ABORT, 'withdrawals are immutable'); END;
                """)
        }
        migrator.registerMigration("10-platform-rate-limit") { db in
            try db.execute(sql: """
                -- Pushes a platform may make a minute (answered 429 with Retry-After beyond them).
                ALTER TABLE platform ADD COLUMN requests_per_minute INTEGER NOT NULL DEFAULT 600;
                """)
        }
        migrator.registerMigration("11-subject-listings") { db in
            try db.execute(sql: """
                -- Which records list which subject codes (失信被执行人 3103, 黑名单 302): insert-only;
                -- whether a listing is still in force is read from the record's latest version.
                CREATE TABLE subject_listing (
                    code TEXT NOT NULL,
                    record_id INTEGER NOT NULL REFERENCES record(id),
                    PRIMARY KEY (code, record_id)
                ) WITHOUT ROWID;
                -- The records stored before this migration, by the spec's listing fields of its day.
                INSERT OR IGNORE INTO subject_listing (code, record_id)
                    SELECT json_extract(normalized_payload, '$.SX_BZXR_DM'), record_id FROM record_version
                    WHERE dataset = '3103' AND json_extract(normalized_payload, '$.SX_BZXR_DM') IS NOT NULL;
                INSERT OR IGNORE INTO subject_listing (code, record_id)
                    SELECT json_extract(normalized_payload, '$.BODY_CODE'), record_id FROM record_version
                    WHERE dataset = '302' AND json_extract(normalized_payload, '$.BODY_CODE') IS NOT NULL;
                """)
        }
        migrator.registerMigration("12-version-flags") { db in
            try db.execute(sql: """
                -- What a supervisor must see about a version (a missed deadline, a listed
                -- participant): the warnings it was accepted with, as JSON; travels with it.
                ALTER TABLE record_version ADD COLUMN flags TEXT;
                """)
        }
        migrator.registerMigration("13-platform-predecessors") { db in
            try db.execute(sql: """
                -- Platforms a platform succeeds (mergers), comma-separated 交易平台标识码.
                ALTER TABLE platform ADD COLUMN predecessors TEXT NOT NULL DEFAULT '';
                """)
        }
        migrator.registerMigration("14-store-probe") { db in
            try db.execute(sql: """
                -- Probe rows written and removed to learn whether the store takes writes again.
                CREATE TABLE store_probe (id INTEGER PRIMARY KEY, at DATETIME NOT NULL, room BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("15-keyed-audit-chain") { db in
            try db.execute(sql: """
                -- From which audit entry on the chain is keyed (HMAC under the key kept outside the
                -- store), and which key: entries before it keep the unkeyed SHA-256 rule. `tag` is
                -- a MAC of the row under the key, so the boundary cannot be moved without it.
                CREATE TABLE audit_chain_key (
                    from_id INTEGER PRIMARY KEY NOT NULL,
                    scheme TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    tag TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TRIGGER audit_chain_key_no_update BEFORE UPDATE ON audit_chain_key
                BEGIN SELECT RAISE(ABORT, 'the audit chain key marker is immutable'); END;
                CREATE TRIGGER audit_chain_key_no_delete BEFORE DELETE ON audit_chain_key
                BEGIN SELECT RAISE(ABORT, 'the audit chain key marker is immutable'); END;
                """)
        }
        migrator.registerMigration("16-data-key-identity") { db in
            try db.execute(sql: """
                -- The sender's own id of a record (the spec's DATA_KEY), scoped to the platform that
                -- owns the record; whether the latest version is a tombstone (a delete, DATA_TYPE 3);
                -- the values of the dataset's duplicate check (RepeatCols) joined by "|". Records
                -- stored before keep their keys and versions, with no DATA_KEY and no check values.
                ALTER TABLE record ADD COLUMN data_key TEXT;
                ALTER TABLE record ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE record ADD COLUMN unique_values TEXT;
                CREATE INDEX record_by_data_key ON record(dataset, data_key) WHERE data_key IS NOT NULL;
                CREATE INDEX record_by_unique_values ON record(dataset, unique_values) WHERE unique_values IS NOT NULL;
                -- Each version's DATA_KEY, and its operation where the version number does not tell
                -- it: 'delete' for a tombstone, 'insert' for a deleted record sent again; NULL for an
                -- insert as version 1 or an update after (as every version stored before).
                ALTER TABLE record_version ADD COLUMN data_key TEXT;
                ALTER TABLE record_version ADD COLUMN operation TEXT CHECK (operation IN ('insert', 'update', 'delete'));
                """)
        }
        migrator.registerMigration("17-exempt-codes") { db in
            try db.execute(sql: """
                -- Real codes that fail their check character, allowed by an operator
                -- (`shuniu codes allow`, audited as codes.allow): accepted with a warning.
                CREATE TABLE allowed_code (
                    code TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    added_by TEXT NOT NULL,
                    added_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("18-record-extra") { db in
            try db.execute(sql: """
                -- Fields a record carried that its dataset does not define, kept beside the spec's
                -- fields (canonical JSON object; NULL when none) and delivered with them.
                ALTER TABLE record_version ADD COLUMN extra TEXT;
                -- A strict platform's unknown fields are refused instead of kept.
                ALTER TABLE platform ADD COLUMN strict_fields INTEGER NOT NULL DEFAULT 0;
                -- A grant that also shows the dataset's 政务公开 fields (government use).
                ALTER TABLE data_grant ADD COLUMN government INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("19-destination-paused-at") { db in
            // When a destination was paused by hand, shown beside who paused it and why.
            try db.execute(sql: "ALTER TABLE destination_state ADD COLUMN paused_at DOUBLE")
        }
        migrator.registerMigration("20-hub-instance") { db in
            // The daemons serving from the store, each reporting itself while it runs.
            try db.execute(sql: """
                CREATE TABLE hub_instance (
                    name TEXT PRIMARY KEY NOT NULL,
                    host TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    started_at DOUBLE NOT NULL,
                    seen_at DOUBLE NOT NULL
                )
                """)
        }
        return migrator
    }
}
