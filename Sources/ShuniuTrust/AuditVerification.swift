import Foundation
import ShuniuCore

/// The engine-neutral part of `shuniu audit verify`: each engine reads its rows (in one
/// consistent snapshot) and hands them here in order, entries by id, then versions, records and
/// orphaned deliveries; this decides what is damage and tallies it, alike on every engine.
package struct AuditVerification {
    /// An audit entry's stored text, as the engine read it.
    package struct Entry {
        package var id: Int64
        package var at: String
        package var actorKind: String
        package var actor: String
        package var action: String
        package var outcome: String
        package var subject: String?
        package var address: String?
        package var detail: String
        package var previousHash: String
        package var hash: String

        package init(
            id: Int64, at: String, actorKind: String, actor: String, action: String, outcome: String, subject: String?, address: String?,
            detail: String, previousHash: String, hash: String
        ) {
            self.id = id
            self.at = at
            self.actorKind = actorKind
            self.actor = actor
            self.action = action
            self.outcome = outcome
            self.subject = subject
            self.address = address
            self.detail = detail
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// The query both engines read records with for the owner and latest-version checks (plain
    /// SQL both speak), one row per record in id order: dataset, business_key, owner_platform,
    /// latest_version, latest_hash, first_source, latest_id, latest_content, newest.
    package static let recordsQuery = """
        SELECT r.dataset, r.business_key, r.owner_platform, r.latest_version, r.latest_hash,
               first.source_platform AS first_source, latest.id AS latest_id, latest.content_hash AS latest_content,
               (SELECT MAX(version) FROM record_version m WHERE m.record_id = r.id) AS newest
        FROM record r
        LEFT JOIN record_version first ON first.record_id = r.id AND first.version = 1
        LEFT JOIN record_version latest ON latest.record_id = r.id AND latest.version = r.latest_version
        ORDER BY r.id
        """

    /// A stored version an `ingest.batch` line names, as the engine read it.
    package struct Version {
        package var id: Int64
        /// ``VersionDigest/columns`` and ``VersionDigest/laterColumns`` as SQLite stores them.
        package var values: [StoredValue]
        package var later: [StoredValue]
        package var sourcePlatform: String
        package var contentHash: String
        package var normalizedPayload: String
        package var extra: String?

        package init(
            id: Int64, values: [StoredValue], later: [StoredValue], sourcePlatform: String, contentHash: String, normalizedPayload: String, extra: String?
        ) {
            self.id = id
            self.values = values
            self.later = later
            self.sourcePlatform = sourcePlatform
            self.contentHash = contentHash
            self.normalizedPayload = normalizedPayload
            self.extra = extra
        }
    }

    /// A record with its first and latest versions, as the engine read it.
    package struct Record {
        package var dataset: String
        package var key: String
        package var owner: String
        package var latestVersion: Int
        package var latestHash: String
        /// The first version's source, when there is a first version.
        package var firstSource: String?
        /// The latest version's id and content hash, when it is there.
        package var latestID: Int64?
        package var latestContent: String?
        /// The highest version number stored.
        package var newest: Int?

        package init(
            dataset: String, key: String, owner: String, latestVersion: Int, latestHash: String, firstSource: String?, latestID: Int64?,
            latestContent: String?, newest: Int?
        ) {
            self.dataset = dataset
            self.key = key
            self.owner = owner
            self.latestVersion = latestVersion
            self.latestHash = latestHash
            self.firstSource = firstSource
            self.latestID = latestID
            self.latestContent = latestContent
            self.newest = newest
        }
    }

    private var tally = AuditDamageTally()
    private var report = AuditChainReport()
    private let marker: AuditChainMarker?
    /// The key the keyed entries are checked with: the key given, when it is the chain's.
    private var keyedKey: AuditKey?
    private var byLastID: [Int64: [AuditCheckpoint]] = [:]
    private var audited = VersionBitmap()
    private var previous = AuditChain.genesisHash
    private var lastID: Int64 = 0
    private let decoder = JSONDecoder()

    /// Starts a check of a chain keyed as `marker` says (nil: not keyed), with `key` (the key in
    /// the store's key file, if any) and the checkpoints read, if any.
    package init(marker: AuditChainMarker?, key: AuditKey?, checkpoints: [AuditCheckpoints.Line]?) {
        self.marker = marker
        report.keyedFrom = marker?.fromID
        report.keyId = marker?.keyID
        if let marker {
            if let key, marker.isMade(by: key) {
                keyedKey = key
            } else if let key {
                tally.add(.keyMismatch, "the chain is keyed from entry \(marker.fromID) with key \(marker.keyID); the key given is \(key.id), or the marker was changed")
            } else {
                tally.add(.keyMissing, "the chain is keyed from entry \(marker.fromID) with key \(marker.keyID); no key was given")
            }
        }

        // Checkpoints since the last restore, by the entry they name.
        guard let checkpoints else { return }
        var valid: [AuditCheckpoint] = []
        for line in checkpoints {
            switch line {
            case .unreadable(let number):
                tally.add(.checkpointForged, "line \(number)")
            case .checkpoint(let number, let checkpoint):
                guard let key else { continue }
                guard key.checkpointMACMatches(checkpoint.mac, checkpoint.signedText) else {
                    tally.add(.checkpointForged, "line \(number)")
                    continue
                }
                if checkpoint.event == "restore" { valid.removeAll() }
                valid.append(checkpoint)
            }
        }
        if key == nil, !checkpoints.isEmpty {
            report.notes.append("no key: the checkpoints' MACs could not be checked, nor the chain's head against them")
        }
        report.checkpoints = valid.count
        for checkpoint in valid {
            if checkpoint.keyedFrom != marker?.fromID {
                tally.add(.chainRekeyed, "checkpoint of \(checkpoint.at) says keyed from entry \(checkpoint.keyedFrom.map(String.init) ?? "-"), the store from \(marker.map { String($0.fromID) } ?? "-")", once: true)
            }
            if checkpoint.entries > 0 { byLastID[checkpoint.lastId, default: []].append(checkpoint) }
        }
    }

    /// The next entry, in id order. Returns, for an `ingest.batch` entry, the lines of the
    /// versions it accepted: the engine looks each up and gives it to ``acceptedVersion(_:platform:stored:undelivered:)``.
    package mutating func entry(_ entry: Entry) -> [IngestAuditLines.Line] {
        report.entries += 1
        var broken = entry.previousHash != previous
        let keyed = marker.map { entry.id >= $0.fromID } ?? false
        if !keyed || keyedKey != nil {
            let text = AuditChain.text(fields: [
                entry.previousHash, String(entry.id), entry.at, entry.actorKind, entry.actor, entry.action, entry.outcome,
                entry.subject ?? "", entry.address ?? "", entry.detail,
            ])
            broken = broken || AuditChain.hash(text: text, key: keyed ? keyedKey : nil) != entry.hash
        }
        if broken {
            tally.add(.chainBroken, "entry \(entry.id)")
            if report.firstBrokenID == nil { report.firstBrokenID = entry.id }
        }
        previous = entry.hash
        lastID = entry.id
        if let named = byLastID.removeValue(forKey: entry.id) {
            for checkpoint in named where checkpoint.lastHash != entry.hash || checkpoint.entries != report.entries {
                tally.add(.chainRewritten, "checkpoint of \(checkpoint.at) names entry \(entry.id) with \(checkpoint.entries) entries up to it; the store has \(report.entries)\(checkpoint.lastHash != entry.hash ? " and another hash" : "")")
            }
        }
        guard entry.action == "ingest.batch", let lines = try? decoder.decode(IngestAuditLines.self, from: Data(entry.detail.utf8)) else { return [] }
        return lines.records.filter { $0.status == RecordStatus.accepted.rawValue && $0.dataset != nil && $0.key != nil && $0.version != nil }
    }

    /// One version an entry of `platform` (its actor) accepted: it is there, from that platform,
    /// as the entry recorded it (its digest, when the entry has one), its content hash matching
    /// its payload, delivered where it was routed (`undelivered`: the routed destinations with
    /// no delivery of it).
    package mutating func acceptedVersion(_ line: IngestAuditLines.Line, platform: String, stored: Version?, undelivered: [String]) {
        let name = "\(line.dataset ?? "")/\(line.key ?? "")|v\(line.version ?? 0)"
        guard let stored else {
            tally.add(.versionMissing, name, once: true)
            return
        }
        audited.insert(stored.id)
        let altered = stored.sourcePlatform != platform
            || stored.contentHash != ContentHash.of(normalized: stored.normalizedPayload, extra: stored.extra)
            || line.digest.map { $0 != VersionDigest.of(stored.values, later: stored.later) } ?? false
        if altered { tally.add(.versionAltered, name) }
        for destination in undelivered {
            tally.add(.deliveryMissing, "\(name) to \(destination)")
        }
    }

    /// After the last entry: checkpoints naming entries not met.
    package mutating func endOfChain() {
        for checkpoint in byLastID.values.joined().sorted(by: { $0.lastId < $1.lastId }) {
            if checkpoint.lastId > lastID {
                tally.add(.chainTruncated, "checkpoint of \(checkpoint.at) names \(checkpoint.entries) entries up to entry \(checkpoint.lastId); the store has \(report.entries) up to entry \(lastID)")
            } else {
                tally.add(.chainRewritten, "checkpoint of \(checkpoint.at) names entry \(checkpoint.lastId), which is gone")
            }
        }
        byLastID = [:]
    }

    /// Every stored version, after the chain: each must have been accepted by some entry.
    package mutating func storedVersion(id: Int64, dataset: String, key: String, version: Int) {
        report.versions += 1
        if !audited.contains(id) {
            tally.add(.versionUnaudited, "\(dataset)/\(key)|v\(version)")
        }
    }

    /// Every record: its owner and latest version against its versions.
    package mutating func record(_ record: Record) {
        report.records += 1
        let name = "\(record.dataset)/\(record.key)"
        if let first = record.firstSource {
            if first != record.owner { tally.add(.recordOwnerChanged, "\(name): owner \(record.owner), first version from \(first)") }
        } else {
            tally.add(.versionMissing, "\(name)|v1", once: true)
        }
        if record.latestID == nil {
            tally.add(.versionMissing, "\(name)|v\(record.latestVersion)", once: true)
        } else if record.newest != record.latestVersion || record.latestContent != record.latestHash {
            tally.add(.recordLatestChanged, "\(name): latest v\(record.latestVersion), newest stored v\(record.newest ?? 0)")
        }
    }

    /// A delivery of a version that is gone or belongs to another record.
    package mutating func orphanedDelivery(id: Int64, versionID: Int64) {
        tally.add(.deliveryOrphaned, "delivery \(id) of version id \(versionID)")
    }

    /// The report, with the store's count of deliveries.
    package func finish(deliveries: Int) -> AuditChainReport {
        var report = report
        report.deliveries = deliveries
        report.damage = tally.damage
        report.intact = report.damage.isEmpty
        return report
    }
}
