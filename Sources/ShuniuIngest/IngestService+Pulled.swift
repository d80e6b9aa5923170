import Foundation
import ShuniuCore


extension IngestService {
    /// Checks that a platform may have records taken from it now: registered, active and
    /// certified. Pull connectors ask before fetching, so that a suspended platform is not polled;
    /// ``ingestPulled(platform:body:source:)`` asks again before storing.
    public func pullStanding(of id: PlatformID) async throws -> Platform {
        guard let platform = try await store.platform(id) else {
            throw IngestRefusal(.platformNotRegistered, "platform \(id) is not registered; register it with shuniu platforms add before pulling from it")
        }
        guard platform.status == .active else {
            throw IngestRefusal(.platformSuspended, "platform \(id) is suspended; ask the hub operator to resume it", platform: id)
        }
        guard platform.isCertified(at: now()) else {
            throw IngestRefusal(.certificationExpired, "platform \(id)'s certification (检测认证) expired after \(platform.certifiedUntil)", platform: id)
        }
        return platform
    }

    /// Handles one page that a pull connector fetched from a platform's own API: the same path as
    /// a pushed batch — the platform's standing, its mapping file, validation, batch rules, one
    /// commit with the outbox rows and an `ingest.batch` audit entry, wake-ups — but without
    /// request authentication, since the hub itself made the request. The audit entry names the
    /// connector and URL. Throws ``IngestRefusal`` (audited as `ingest.refused`, nothing stored)
    /// when the page as a whole cannot be taken.
    public func ingestPulled(platform id: PlatformID, body: [UInt8], source: PullProvenance) async throws -> IngestResponse {
        let receivedAt = now()
        let platform: Platform
        var outcomes: [Outcome]
        let payload: RawPayload?
        do {
            platform = try await pullStanding(of: id)
            (outcomes, payload) = try records(from: body, platform: platform)
        } catch let refusal as IngestRefusal {
            try await auditPulled(refusal, platform: id, body: body, source: source)
            throw refusal
        }
        try await applyBatchRules(to: &outcomes)
        ProblemBounds.apply(to: &outcomes)
        // The commit path insists on a nonce: it guards against a replayed request, and a pulled
        // page has no request to replay. A fresh `pull:` nonce in the platform's namespace keeps
        // that path exactly as for pushed batches (the janitor prunes it with the others), and
        // can never collide with a platform's own nonces in practice (a UUID).
        var commit = IngestCommit(
            platform: platform.id, appKey: platform.appKey, nonce: "pull:\(source.connector):\(UUID().uuidString)", address: nil,
            items: outcomes.map(\.item), payload: payload, pulled: source
        )
        commit.predecessors = platform.predecessors
        let results = try await store.commitIngest(commit, receivedAt: receivedAt)
        let response = IngestResponse(results: results)
        if response.accepted > 0 {
            commits?.notify()
            if !routing.routes.isEmpty { wakeups?.signal() }
        }
        metrics.recordBatch(platform: platform.id.rawValue, response: response, seconds: now().timeIntervalSince(receivedAt))
        return response
    }

    private func auditPulled(_ refusal: IngestRefusal, platform: PlatformID, body: [UInt8], source: PullProvenance) async throws {
        metrics.recordRefusal(platform: platform.rawValue, code: refusal.code.rawValue)
        logger.info("pulled page refused", metadata: ["code": "\(refusal.code.rawValue)", "connector": "\(source.connector)", "url": "\(source.url)"])
        let detail = JSONValue.object([
            "bodyBytes": .number(Double(body.count)), "message": .string(refusal.message),
            "pulled": .object(["connector": .string(source.connector), "url": .string(source.url)]),
        ]).canonicalText
        try await store.appendAudit(AuditEvent(
            actorKind: .platform, actor: platform.rawValue, action: "ingest.refused", outcome: refusal.code.rawValue, subject: nil, address: nil, detail: detail
        ))
    }
}
