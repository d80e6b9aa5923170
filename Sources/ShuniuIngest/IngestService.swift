import CoreMetrics
import Foundation
import Logging
import NIOPosix
import ShuniuAuth
import ShuniuCore
import ShuniuMapping
import ShuniuSpec
import ShuniuTrust

/// The ingest path: authenticate the request, check each record against the spec and the
/// platform's rights, and commit the batch in one transaction. Pushed and pulled records
/// take this same path.
public struct IngestService: Sendable {
    let store: any IngestStore
    let validator: RecordValidator
    let batchRules: BatchRules
    /// Platforms with a mapping file send their own payloads; the others spec-shaped records.
    let mappings: MappingRegistry?
    let limits: IngestLimits
    let authenticator: RequestAuthenticator
    let routing: RoutingTable
    /// Every configured destination: a withdrawal follows its original to any that received it.
    let destinations: [String]
    /// Each platform's pushes a minute.
    let limiter = RateLimiter()
    /// Refusals by address: unidentified callers are counted here, not audited one by one.
    let refusals: RefusalTally
    let metrics: IngestMetrics
    let wakeups: WakeSignal?
    /// Long-polling feed readers, told of every commit that stored a version.
    let commits: CommitNotifier?
    let logger: Logger
    let now: @Sendable () -> Date
    /// The trust list and CRLs in force: records' detached signatures are checked against it.
    let trust: TrustState?

    public init(
        store: any IngestStore, spec: DataSpec, limits: IngestLimits, routing: RoutingTable = RoutingTable(), destinations: [String] = [],
        mappings: MappingRegistry? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, wakeups: WakeSignal? = nil, commits: CommitNotifier? = nil,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init, trust: TrustState? = nil, refusals: RefusalTally = RefusalTally()
    ) {
        self.store = store
        self.refusals = refusals
        self.wakeups = wakeups
        self.commits = commits
        self.routing = routing
        self.destinations = destinations
        self.metrics = IngestMetrics(factory: metrics)
        self.validator = RecordValidator(spec: spec)
        self.batchRules = BatchRules(spec: spec, store: store)
        self.mappings = mappings
        self.limits = limits
        self.authenticator = RequestAuthenticator(store: store, limits: limits, trust: trust)
        self.logger = logger
        self.now = now
        self.trust = trust
    }

    public var bodyLimit: Int { limits.maxBodyBytes }

    /// Handles one signed batch. Throws ``IngestRefusal`` (audited, nothing stored) when the
    /// request as a whole is refused; otherwise answers per record, after the commit.
    public func ingest(_ request: SignedRequest) async throws -> IngestResponse {
        let receivedAt = now()
        try turnAwayIfRefusedTooOften(request)
        let caller: RequestAuthenticator.Authenticated
        var identified: PlatformID?
        var outcomes: [Outcome]
        let payload: RawPayload?
        do {
            caller = try await authenticator.authenticate(request, now: receivedAt)
            identified = caller.platform.id
            RequestCaller.note("platform", caller.platform.id.rawValue)
            let platform = caller.platform
            if let wait = limiter.take(platform.id.rawValue, perMinute: platform.requestsPerMinute, at: receivedAt) {
                metrics.recordRefusal(platform: platform.id.rawValue, code: IngestRefusal.Code.rateLimited.rawValue)
                throw IngestRefusal(.rateLimited, "platform \(platform.id) may push \(platform.requestsPerMinute) batches a minute; retry in \(wait) s",
                                    platform: platform.id, retryAfterSeconds: wait)
            }
            (outcomes, payload) = try await pushedRecords(request.body, platform: platform)
        } catch let refusal as IngestRefusal where refusal.code == .rateLimited {
            throw refusal
        } catch var refusal as IngestRefusal {
            // Past authentication the platform is known: its refusal is audited under its name.
            if refusal.platform == nil { refusal.platform = identified }
            try await audit(refusal, request: request)
            throw refusal
        }
        try await applyBatchRules(to: &outcomes)
        ProblemBounds.apply(to: &outcomes)
        var commit = IngestCommit(
            platform: caller.platform.id, appKey: caller.appKey, nonce: caller.nonce, address: request.address,
            items: outcomes.map(\.item), payload: payload, certificate: caller.certificate
        )
        commit.predecessors = caller.platform.predecessors
        do {
            let results = try await store.commitIngest(commit, receivedAt: receivedAt)
            let response = IngestResponse(results: results)
            if response.accepted > 0 {
                commits?.notify()
                if !routing.routes.isEmpty { wakeups?.signal() }
            }
            metrics.recordBatch(platform: caller.platform.id.rawValue, response: response, seconds: now().timeIntervalSince(receivedAt))
            return response
        } catch let error as StoreError where error.code == .nonceReused {
            // Two requests raced with one nonce: the other one won.
            let refusal = IngestRefusal(.nonceReused, "nonce \(caller.nonce) was already used within the replay window", platform: caller.platform.id)
            try await audit(refusal, request: request)
            throw refusal
        }
    }

    /// A pushed batch's records. Reading a body is work that grows with its size (parsing, mapping,
    /// validating) and checking a record's detached signature blocks in OpenSSL (SM2 as the hub
    /// checks it: ~4 ms a record), so any but a small unsigned body is read on NIO's thread pool,
    /// holding no cooperative thread that other requests, long-polls and `/healthz` need.
    func pushedRecords(_ body: [UInt8], platform: Platform) async throws -> (outcomes: [Outcome], payload: RawPayload?) {
        if body.count <= Self.inlineBodyBytes && body.firstRange(of: Self.signatureKey) == nil {
            return try records(from: body, platform: platform)
        }
        return try await NIOThreadPool.singleton.runIfActive { try records(from: body, platform: platform) }
    }

    private static let signatureKey = Array(#""signature""#.utf8)
    /// Small enough to read in well under a millisecond: not worth a thread hop.
    private static let inlineBodyBytes = 16 * 1024

    /// A batch's records from its body: mapped through the platform's mapping file when it has one,
    /// else read as spec-shaped records. Pushed and pulled batches alike come through here.
    func records(from body: [UInt8], platform: Platform) throws -> (outcomes: [Outcome], payload: RawPayload?) {
        if mappings?.isBroken(platform.id) == true {
            throw IngestRefusal(.mappingUnavailable, "the mapping file of platform \(platform.id) has problems and none is in force; the hub's operators have been told (shuniu mappings check)", platform: platform.id)
        }
        if let engine = mappings?.engine(for: platform.id) {
            let outcomes = try mapped(body, with: engine, platform: platform)
            return (outcomes, RawPayload(format: engine.mapping.format.rawValue, body: body, sha256: DigestAlgorithm.sha256.hexHash(body)))
        }
        let batch = try IngestBatch.parse(body, limits: limits)
        return (batch.records.enumerated().map { index, record in check(record, index: index, platform: platform) }, nil)
    }

    /// Forgets nonces that are outside the replay window (any request using them is refused by time).
    public func pruneNonces() async throws {
        let cutoff = now().addingTimeInterval(-2 * Double(limits.replayWindowSeconds))
        try await store.pruneNonces(before: cutoff)
    }

    /// One record's fate so far, and what the batch-wide rules need to know of a valid one.
    struct Outcome: Sendable {
        var item: IngestCommit.Item
        var candidate: BatchRules.Candidate?

        static func rejected(_ index: Int, _ dataset: DatasetID?, _ problems: [Problem]) -> Outcome {
            Outcome(item: .rejected(index: index, dataset: dataset, key: nil, problems: problems))
        }
    }

    /// A spec-shaped record `{"dataset": …, "data": {…}}` of a batch.
    private func check(_ record: JSONValue, index: Int, platform: Platform) -> Outcome {
        let path = "$.records[\(index)]"
        func reject(_ dataset: DatasetID?, _ problem: Problem) -> Outcome {
            .rejected(index, dataset, [problem])
        }
        guard case .object(let envelope) = record else {
            return reject(nil, Problem(code: .recordNotObject, path: path, message: "a record is an object {\"dataset\": \"500\", \"data\": {…}}, got \(record.typeName)"))
        }
        let datasetText: String
        switch envelope["dataset"] {
        case .string(let text)?: datasetText = text.trimmingCharacters(in: .whitespaces)
        case .number(let number)? where number.rounded() == number && number >= 0 && number < 1e9: datasetText = String(Int(number))
        default:
            return reject(nil, Problem(code: .datasetMissing, path: "\(path).dataset", message: "\"dataset\" must be the dataset number, such as \"500\""))
        }
        let dataset = DatasetID(datasetText)
        guard let spec = validator.spec.dataset(dataset) else {
            let known = validator.spec.datasets.keys.sorted().map(\.rawValue).joined(separator: ", ")
            return reject(dataset, Problem(code: .datasetUnknown, path: "\(path).dataset", message: "dataset \(datasetText) is not in the spec (known: \(known))"))
        }
        guard platform.mayUpload(dataset) else {
            return reject(dataset, notAllowed(dataset, spec, platform, path: "\(path).dataset"))
        }
        let identity: RecordIdentity
        switch RecordIdentity.read(dataKey: envelope[DataKey.envelopeMember], operation: envelope["operation"], spec: spec, platform: platform.id,
                                   dataKeyPath: "\(path).\(DataKey.envelopeMember)", operationPath: "\(path).operation") {
        case .failure(let failure): return .rejected(index, dataset, failure.problems)
        case .success(let read): identity = read
        }
        if identity.operation == .delete {
            var data: [String: JSONValue] = [:]
            if case .object(let fields)? = envelope["data"] { data = fields }
            return deletion(data, identity: identity, spec: spec, index: index, path: path, dataPath: "\(path).data", raw: record.canonicalText, mapping: nil, platform: platform)
        }
        guard case .object(let data)? = envelope["data"] else {
            return reject(dataset, Problem(code: .dataMissing, path: "\(path).data", message: "\"data\" must be an object of field codes and values"))
        }
        switch validator.validate(data, as: spec, path: "\(path).data", dataKey: identity.scopedDataKey,
                                   unknownFields: platform.strictFields ? .refuse : .keep) {
        case .failure(let failure):
            return .rejected(index, dataset, failure.problems)
        case .success(let checked):
            switch checkSignature(envelope["signature"], data: data, checked: checked, spec: spec, path: path) {
            case .failure(let failure):
                return .rejected(index, dataset, failure.problems)
            case .success(let evidence):
                if let problem = OwnCodes.problem(in: checked, spec: spec, platform: platform, path: "\(path).data") {
                    return reject(dataset, problem)
                }
                return accept(checked, identity: identity, spec: spec, index: index, path: "\(path).data", raw: record.canonicalText, mapping: nil, platform: platform, signature: evidence)
            }
        }
    }

    /// A record's detached signature, verified before anything is stored (see RecordSignatureChecker).
    private func checkSignature(
        _ signature: JSONValue?, data: [String: JSONValue], checked: RecordValidator.Checked, spec: DatasetSpec, path: String
    ) -> Result<String?, ValidationProblems> {
        let signed = signature.map { $0 != .null } ?? false
        guard signed || spec.signature?.required == true else { return .success(nil) }
        guard let trust else {
            return .failure(ValidationProblems(problems: [Problem(code: .signatureCertificate, path: "\(path).signature", message: "this hub has no trust list, so no signature can be verified")]))
        }
        return RecordSignatureChecker(verification: trust.verification)
            .check(signature, data: data, fields: checked.fields, dataset: spec, path: path, now: now())
    }

    /// Maps a platform's own payload with its mapping file; each record it yields is then checked
    /// like a spec-shaped one, its problems located at the payload's own paths.
    private func mapped(_ body: [UInt8], with engine: MappingEngine, platform: Platform) throws -> [Outcome] {
        guard body.count <= limits.maxBodyBytes else {
            throw IngestRefusal(.bodyTooLarge, "the body is \(body.count) bytes; at most \(limits.maxBodyBytes) are accepted")
        }
        let payload: JSONValue
        do {
            payload = try engine.mapping.decodePayload(body)
        } catch {
            throw IngestRefusal(.malformedPayload, "the payload does not read as \(engine.mapping.format.rawValue) (mapping \(engine.mapping.version)): \(error.problem.message)")
        }
        let (records, _) = engine.apply(to: payload)
        guard !records.isEmpty else {
            throw IngestRefusal(.nothingMapped, "mapping \(engine.mapping.version) of platform \(platform.id) makes no record of this payload")
        }
        guard records.count <= limits.maxRecords else {
            throw IngestRefusal(.tooManyRecords, "the payload maps to \(records.count) records; at most \(limits.maxRecords) are accepted per request")
        }
        let provenance = { (record: MappingEngine.MappedRecord) in
            MappingProvenance(mappingVersion: engine.mapping.version, sourcePath: record.sourcePath)
        }
        return records.enumerated().map { index, record in
            guard let spec = validator.spec.dataset(record.dataset) else {
                return .rejected(index, record.dataset, [Problem(code: .datasetUnknown, path: record.sourcePath, message: "dataset \(record.dataset) is not in the spec")])
            }
            guard platform.mayUpload(record.dataset) else {
                return .rejected(index, record.dataset, [notAllowed(record.dataset, spec, platform, path: record.sourcePath)])
            }
            // DATA_KEY and DATA_TYPE are mapping targets beside the fields, not fields.
            var fields = record.data
            let dataKey = fields.removeValue(forKey: DataKey.fieldName)
            let operation = fields.removeValue(forKey: DataKey.operationFieldName)
            let identity: RecordIdentity
            switch RecordIdentity.read(dataKey: dataKey, operation: operation, spec: spec, platform: platform.id,
                                       dataKeyPath: record.fieldPaths[DataKey.fieldName] ?? record.sourcePath,
                                       operationPath: record.fieldPaths[DataKey.operationFieldName] ?? record.sourcePath) {
            case .failure(let failure): return .rejected(index, record.dataset, record.problems + failure.problems)
            case .success(let read): identity = read
            }
            if identity.operation == .delete {
                guard record.problems.isEmpty else { return .rejected(index, record.dataset, record.problems) }
                return deletion(fields, identity: identity, spec: spec, index: index, path: record.sourcePath, dataPath: record.sourcePath,
                                raw: record.envelope.canonicalText, mapping: provenance(record), platform: platform)
            }
            switch validator.validate(fields, as: spec, path: record.sourcePath, dataKey: identity.scopedDataKey,
                                   unknownFields: platform.strictFields ? .refuse : .keep) {
            case .failure(let failure):
                return .rejected(index, record.dataset, record.problems + failure.problems.map { MappingTrial.located($0, in: record) })
            case .success where !record.problems.isEmpty:
                return .rejected(index, record.dataset, record.problems)
            case .success where spec.signature?.required == true:
                // A platform's own payload carries no per-record signature yet.
                return .rejected(index, record.dataset, [Problem(code: .signatureMissing, path: record.sourcePath, message: "dataset \(spec.dataset) \(spec.label) records must carry a detached signature; send them spec-shaped with \"signature\"")])
            case .success(var checked):
                if let problem = OwnCodes.problem(in: checked, spec: spec, platform: platform, path: record.sourcePath) {
                    return .rejected(index, record.dataset, [problem])
                }
                checked.warnings = checked.warnings.map { MappingTrial.located($0, in: record) }
                return accept(checked, identity: identity, spec: spec, index: index, path: record.sourcePath, raw: record.envelope.canonicalText, mapping: provenance(record), platform: platform)
            }
        }
    }

    private func notAllowed(_ dataset: DatasetID, _ spec: DatasetSpec, _ platform: Platform, path: String) -> Problem {
        Problem(code: .datasetNotAllowed, path: path, label: spec.label, message: "platform \(platform.id) may not send dataset \(dataset) \(spec.label); it may send \(platform.allowedDatasets.map(\.rawValue).joined(separator: ", "))")
    }

    /// A delete (DATA_TYPE 3): a tombstone of the record its DATA_KEY or key fields name, its
    /// other fields unchecked. The store finds the record, refuses a delete of one it does not
    /// hold or another platform owns, and sends the tombstone wherever the record went.
    private func deletion(
        _ data: [String: JSONValue], identity: RecordIdentity, spec: DatasetSpec, index: Int, path: String, dataPath: String, raw: String,
        mapping: MappingProvenance?, platform: Platform
    ) -> Outcome {
        let key: String?
        switch validator.deletedKey(data, as: spec, path: dataPath, dataKey: identity.scopedDataKey) {
        case .failure(let failure): return .rejected(index, spec.dataset, failure.problems)
        case .success(let found): key = found
        }
        guard key != nil || identity.dataKey != nil else {
            let fields = spec.key.filter { $0 != DataKey.fieldName }.joined(separator: ", ")
            return .rejected(index, spec.dataset, [Problem(
                code: .dataKeyMissing, path: path, label: "数据主键",
                message: "a delete names its record by \"\(DataKey.envelopeMember)\" (its DATA_KEY) or by its key fields (\(fields)) in \"data\""
            )])
        }
        var record = ValidatedRecord(
            dataset: spec.dataset, businessKey: key ?? "", regionCode: nil, rawPayload: raw, normalizedPayload: "", contentHash: "",
            specVersion: validator.spec.version, mapping: mapping
        )
        record.dataKey = identity.dataKey
        record.identifiedByDataKey = spec.identifiedByDataKey || key == nil
        record.operation = .delete
        return Outcome(item: .valid(index: index, record: record, destinations: []), candidate: nil)
    }

    private func accept(
        _ checked: RecordValidator.Checked, identity: RecordIdentity, spec: DatasetSpec, index: Int, path: String, raw: String,
        mapping: MappingProvenance?, platform: Platform, signature: String? = nil
    ) -> Outcome {
        let normalized = JSONValue.object(checked.fields.mapValues(JSONValue.string)).canonicalText
        let extra = checked.extra.isEmpty ? nil : JSONValue.object(checked.extra.mapValues(JSONValue.string)).canonicalText
        // 不予共享: never leaves the hub, whatever a route says.
        let destinations = spec.sharing == .none ? [] : routing.destinations(for: RoutingFacts(
            dataset: spec.dataset, platform: platform.id, regionCode: checked.regionCode, industryCode: checked.industryCode
        ))
        var record = ValidatedRecord(
            dataset: spec.dataset, businessKey: checked.businessKey, regionCode: checked.regionCode, industryCode: checked.industryCode,
            rawPayload: raw, normalizedPayload: normalized,
            contentHash: ContentHash.of(normalized: normalized, extra: extra), specVersion: validator.spec.version, mapping: mapping,
            signature: signature, withdraws: withdrawn(by: checked, spec: spec, routed: destinations),
            listedSubject: spec.lists.flatMap { checked.fields[$0.subjectField] }, extraPayload: extra
        )
        record.dataKey = identity.dataKey
        record.identifiedByDataKey = spec.identifiedByDataKey
        record.operation = identity.operation
        record.uniqueValues = checked.uniqueValues
        return Outcome(
            item: .valid(index: index, record: record, destinations: destinations, warnings: checked.warnings),
            candidate: BatchRules.Candidate(index: index, dataset: spec, platform: platform.id, key: checked.businessKey, fields: checked.fields, path: path)
        )
    }

    /// The record a withdrawal withdraws, with the destinations beyond its own routes that it
    /// follows the original to (where the original went); nil for a record that withdraws nothing.
    private func withdrawn(by checked: RecordValidator.Checked, spec: DatasetSpec, routed: [String]) -> WithdrawnRecord? {
        guard let withdrawal = spec.withdraws, let key = withdrawal.originalKey(in: checked.fields) else { return nil }
        // 不予共享 goes nowhere, not even after its original.
        let others = spec.sharing == .none ? [] : destinations.filter { !routed.contains($0) }
        return WithdrawnRecord(dataset: withdrawal.dataset, key: key, mayFollowTo: others)
    }

    /// References, sequences and deadlines, over the batch's valid records and the store.
    func applyBatchRules(to outcomes: inout [Outcome]) async throws {
        let candidates = outcomes.compactMap(\.candidate)
        guard candidates.contains(where: {
            !$0.dataset.references.isEmpty || !$0.dataset.deadlines.isEmpty || !$0.dataset.participants.isEmpty || $0.dataset.withdraws != nil
                || $0.dataset.rules.contains { $0.rule == .sequence }
        }) else { return }
        let verdicts = try await batchRules.check(candidates)
        for position in outcomes.indices {
            guard let candidate = outcomes[position].candidate, let verdict = verdicts[candidate.index],
                  case .valid(let index, let record, let destinations, let warnings) = outcomes[position].item else { continue }
            if !verdict.problems.isEmpty {
                outcomes[position].item = .rejected(index: index, dataset: record.dataset, key: record.businessKey, problems: verdict.problems)
            } else {
                outcomes[position].item = .valid(index: index, record: record, destinations: destinations, warnings: warnings + verdict.warnings)
            }
        }
    }

    /// Audits a refusal decided at the HTTP edge (a body over the limit).
    public func recordRefusal(_ refusal: IngestRefusal, request: SignedRequest) async throws {
        try await audit(refusal, request: request)
    }

    /// Refuses, unread and unaudited (only counted), a request from an address refused more
    /// than its refusals a minute: checked before the body is read and before any store access.
    public func turnAwayIfRefusedTooOften(_ request: SignedRequest) throws(IngestRefusal) {
        guard let turnedAway = refusals.turnAway(request.address, at: now()) else { return }
        metrics.recordRefusal(platform: nil, code: IngestRefusal.Code.tooManyRefusals.rawValue)
        throw IngestRefusal(.tooManyRefusals, turnedAway.message, retryAfterSeconds: turnedAway.retryAfterSeconds)
    }

    /// An identified platform's refusal becomes an audit entry of its own; an unidentified
    /// caller's is counted by address and minute (``RefusalTally``) and audited as that minute's summary.
    private func audit(_ refusal: IngestRefusal, request: SignedRequest) async throws {
        metrics.recordRefusal(platform: refusal.platform?.rawValue, code: refusal.code.rawValue)
        refusals.count(refusal.code.rawValue, address: request.address, identified: refusal.platform != nil, at: now())
        guard refusal.platform != nil else {
            // The message (which method would fit, which header was too long) is for debugging a vendor's integration.
            logger.debug("ingest refused", metadata: [
                "code": "\(refusal.code.rawValue)", "address": "\(request.address ?? "-")", "message": "\(ProblemBounds.shortened(refusal.message))",
            ])
            return
        }
        logger.info("ingest refused", metadata: [
            "code": "\(refusal.code.rawValue)", "platform": "\(refusal.platform?.rawValue ?? "-")", "address": "\(request.address ?? "-")",
        ])
        var fields: [String: JSONValue] = [
            "appKey": .string(request.appKey ?? ""), "bodyBytes": .number(Double(request.body.count)),
            "message": .string(ProblemBounds.shortened(refusal.message)), "nonce": .string(request.nonce ?? ""),
        ]
        // Only certificate-signed requests name one: HMAC refusals are audited as they always were.
        if let certificate = request.certificate { fields["certificate"] = .string(certificate) }
        let detail = JSONValue.object(fields).canonicalText
        try await store.appendAudit(AuditEvent(
            actorKind: refusal.platform == nil ? .anonymous : .platform, actor: refusal.platform?.rawValue ?? "-",
            action: "ingest.refused", outcome: refusal.code.rawValue, subject: nil, address: request.address, detail: detail
        ))
    }
}
