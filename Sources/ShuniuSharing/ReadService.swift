import CoreMetrics
import Foundation
import Logging
import ShuniuAuth
import ShuniuCore
import ShuniuSpec
import ShuniuTrust

/// The pull side: superior hubs and supervision platforms read the feed, records and their
/// versions, and raise disputes. Every read is authenticated, rate-limited, held to the sharing
/// types and the consumer's grants, masked where no grant covers personal data, and audited
/// (consumer, query, how many versions, address, purpose) in the transaction that claims the
/// request's nonce — so an answer is never sent for a read the audit log does not hold.
public struct ReadService: Sendable {
    let store: any SharingStore
    let spec: DataSpec
    let authenticator: ConsumerAuthenticator
    let limiter = RateLimiter()
    /// Refusals by address: unidentified callers are counted here, not audited one by one.
    let refusals: RefusalTally
    let mask: PersonalDataMask
    let commits: CommitNotifier
    let settings: ReadSettings
    let metrics: ReadMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any SharingStore, spec: DataSpec, trust: TrustState?, replayWindowSeconds: Int, commits: CommitNotifier,
        settings: ReadSettings = ReadSettings(), metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init, refusals: RefusalTally = RefusalTally()
    ) {
        self.store = store
        self.refusals = refusals
        self.spec = spec
        self.authenticator = ConsumerAuthenticator(store: store, replayWindowSeconds: replayWindowSeconds, trust: trust)
        self.mask = PersonalDataMask(spec: spec)
        self.commits = commits
        self.settings = settings
        self.metrics = ReadMetrics(factory: metrics)
        self.logger = logger
        self.now = now
    }

    /// What one answered read did, for its audit entry.
    struct Served {
        var json: String
        var count: Int
        var datasets: Set<DatasetID>
        var masked: Int = 0
    }

    /// Authenticates, rate-limits and opens the consumer's access, runs `read`, and audits it
    /// with the nonce. Refusals are audited too (rate limiting only logged: a flood of 429s
    /// must not become a flood of writes).
    func serve(
        _ request: SignedRequest, action: String, subject: String?,
        read: (ConsumerAuthenticator.Authenticated, ReadAccess) async throws -> Served
    ) async throws -> String {
        let startedAt = now()
        var caller: ConsumerAuthenticator.Authenticated?
        if let turnedAway = refusals.turnAway(request.address, at: startedAt) {
            metrics.recordRefusal(consumer: nil, action: action, code: ReadRefusal.Code.tooManyRefusals.rawValue)
            throw ReadRefusal(.tooManyRefusals, turnedAway.message, retryAfterSeconds: turnedAway.retryAfterSeconds)
        }
        do {
            let authenticated = try await authenticator.authenticate(request, now: startedAt)
            caller = authenticated
            let consumer = authenticated.consumer
            RequestCaller.note("consumer", consumer.id)
            if let wait = limiter.take(consumer.id, perMinute: consumer.requestsPerMinute, at: startedAt) {
                logger.debug("read rate-limited", metadata: ["consumer": "\(consumer.id)"])
                throw ReadRefusal(.rateLimited, "consumer \(consumer.id) may make \(consumer.requestsPerMinute) requests a minute; retry in \(wait) s", retryAfterSeconds: wait)
            }
            let access = ReadAccess(spec: spec, grantsInForce: try await store.grantsInForce(consumer: consumer.id, at: startedAt))
            let served = try await read(authenticated, access)
            var detail: [String: JSONValue] = [
                "query": .string(request.path), "count": .number(Double(served.count)),
                "datasets": .array(served.datasets.map(\.rawValue).sorted().map(JSONValue.string)),
                "purposes": .array(access.purposes(for: served.datasets).map(JSONValue.string)),
                "masked": .number(Double(served.masked)),
            ]
            if let certificate = authenticated.certificate { detail["certificate"] = .string(certificate) }
            let event = AuditEvent(actorKind: .consumer, actor: consumer.id, action: action, subject: subject, address: request.address,
                                   detail: JSONValue.object(detail).canonicalText)
            do {
                try await store.commitRead(by: consumer, nonce: authenticated.nonce, audit: event, at: now())
            } catch let error as StoreError where error.code == .nonceReused {
                throw ReadRefusal(.init(rawValue: AuthRefusal.Code.nonceReused.rawValue), "nonce \(authenticated.nonce) was already used within the replay window")
            }
            metrics.recordServed(consumer: consumer.id, action: action, versions: served.count)
            return served.json
        } catch let refusal as ReadRefusal {
            metrics.recordRefusal(consumer: caller?.consumer.id, action: action, code: refusal.code.rawValue)
            if refusal.code != .rateLimited { try await audit(refusal, request: request, action: action, consumer: caller?.consumer.id) }
            throw refusal
        }
    }

    /// An identified consumer's refusal becomes an audit entry of its own; an unidentified
    /// caller's is counted by address and minute (``RefusalTally``) and audited as that minute's summary.
    private func audit(_ refusal: ReadRefusal, request: SignedRequest, action: String, consumer: String?) async throws {
        refusals.count(refusal.code.rawValue, address: request.address, identified: consumer != nil, at: now())
        guard consumer != nil else { return }
        let detail = JSONValue.object([
            "query": .string(String(request.path.prefix(1000))), "read": .string(action), "message": .string(String(refusal.message.prefix(400))),
            "appKey": request.appKey.map(JSONValue.string) ?? .null, "certificate": request.certificate.map(JSONValue.string) ?? .null,
        ]).canonicalText
        try await store.appendAudit(AuditEvent(
            actorKind: consumer == nil ? .anonymous : .consumer, actor: consumer ?? "-", action: "read.refused",
            outcome: refusal.code.rawValue, address: request.address, detail: detail
        ))
    }

    /// One version as the reader gets it: the common document, its sequence, personal fields
    /// masked unless a grant shows them, 政务公开 fields masked unless a grant opens them to
    /// government use, the open disputes and the record's withdrawals marked.
    func document(_ version: StoredVersion, access: ReadAccess, disputes: [Dispute], withdrawals: [Withdrawal], masked: inout Int) -> String {
        var extra: [String: JSONValue] = ["sequence": .number(Double(version.sequence))]
        var data: String?
        var unknownFields: String?
        let personal = !access.showsPersonalData(of: version.dataset)
        let government = !access.showsGovernmentFields(of: version.dataset)
        var maskedNames: [String] = []
        if personal || government, let masking = mask.mask(version.normalizedPayload, of: version.dataset, personal: personal, government: government) {
            data = masking.payload
            maskedNames = masking.masked
        }
        // Kept unknown fields are named `extra.NAME`, so that a reader knows where to look.
        if personal, let kept = version.extra, let masking = mask.maskUnknownFields(kept) {
            unknownFields = masking.payload
            maskedNames += masking.masked.map { "extra." + $0 }
        }
        if !maskedNames.isEmpty {
            extra["masked"] = .array(maskedNames.map(JSONValue.string))
            if let key = mask.maskKey(version.businessKey, of: version.dataset, personal: personal, government: government) { extra["key"] = .string(key) }
            masked += 1
        }
        if !disputes.isEmpty {
            extra["disputes"] = .array(disputes.map { dispute in
                .object(["id": .number(Double(dispute.id)), "field": .string(dispute.field), "reason": .string(dispute.reason),
                         "raisedAt": .string(dispute.raisedAt.formatted(.iso8601)), "version": .number(Double(dispute.version))])
            })
        }
        // Only withdrawals the reader may read are named (303 is shared like the 302 it withdraws).
        let shown = withdrawals.filter { access.refusal(for: $0.dataset) == nil }
        if !shown.isEmpty {
            extra["withdrawnBy"] = .array(shown.map { withdrawal in
                let key = mask.maskKey(withdrawal.key, of: withdrawal.dataset, personal: !access.showsPersonalData(of: withdrawal.dataset),
                                       government: !access.showsGovernmentFields(of: withdrawal.dataset))
                return .object(["dataset": .string(withdrawal.dataset.rawValue), "key": .string(key ?? withdrawal.key),
                                "version": .number(Double(withdrawal.version)), "at": .string(withdrawal.at.formatted(.iso8601))])
            })
        }
        return version.document(data: data, unknownFields: unknownFields, extra: extra)
    }
}
