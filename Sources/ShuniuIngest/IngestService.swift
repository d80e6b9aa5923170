import CoreMetrics
import Foundation
import Logging
import ShuniuCore
import ShuniuSpec
import ShuniuStore
import ShuniuTrust

/// The ingest path: authenticate the request, check each record against the spec and the
/// platform's rights, and commit the batch in one transaction. Pushed and pulled records
/// take this same path.
public struct IngestService: Sendable {
    let store: HubStore
    let validator: RecordValidator
    let limits: IngestLimits
    let authenticator: RequestAuthenticator
    let routing: RoutingTable
    let metrics: IngestMetrics
    let wakeups: WakeSignal?
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: HubStore, spec: DataSpec, limits: IngestLimits, routing: RoutingTable = RoutingTable(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, wakeups: WakeSignal? = nil,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.wakeups = wakeups
        self.routing = routing
        self.metrics = IngestMetrics(factory: metrics)
        self.validator = RecordValidator(spec: spec)
        self.limits = limits
        self.authenticator = RequestAuthenticator(store: store, limits: limits)
        self.logger = logger
        self.now = now
    }

    public var bodyLimit: Int { limits.maxBodyBytes }

    /// Handles one signed batch. Throws ``IngestRefusal`` (audited, nothing stored) when the
    /// request as a whole is refused; otherwise answers per record, after the commit.
    public func ingest(_ request: SignedRequest) async throws -> IngestResponse {
        let receivedAt = now()
        let caller: RequestAuthenticator.Authenticated
        let batch: IngestBatch
        do {
            caller = try await authenticator.authenticate(request, now: receivedAt)
            batch = try IngestBatch.parse(request.body, limits: limits)
        } catch let refusal as IngestRefusal {
            try await audit(refusal, request: request)
            throw refusal
        }
        let items = batch.records.enumerated().map { index, record in
            check(record, index: index, platform: caller.platform)
        }
        let commit = IngestCommit(platform: caller.platform.id, appKey: caller.appKey, nonce: caller.nonce, address: request.address, items: items)
        do {
            let results = try await store.commitIngest(commit, receivedAt: receivedAt)
            let response = IngestResponse(results: results)
            if response.accepted > 0 && !routing.routes.isEmpty { wakeups?.signal() }
            metrics.recordBatch(platform: caller.platform.id.rawValue, response: response, seconds: now().timeIntervalSince(receivedAt))
            return response
        } catch let error as StoreError where error.code == .nonceReused {
            // Two requests raced with one nonce: the other one won.
            let refusal = IngestRefusal(.nonceReused, "nonce \(caller.nonce) was already used within the replay window", platform: caller.platform.id)
            try await audit(refusal, request: request)
            throw refusal
        }
    }

    /// Forgets nonces that are outside the replay window (any request using them is refused by time).
    public func pruneNonces() async throws {
        let cutoff = now().addingTimeInterval(-2 * Double(limits.replayWindowSeconds))
        try await store.pruneNonces(before: cutoff)
    }

    private func check(_ record: JSONValue, index: Int, platform: Platform) -> IngestCommit.Item {
        let path = "$.records[\(index)]"
        func reject(_ dataset: DatasetID?, _ problem: Problem) -> IngestCommit.Item {
            .rejected(index: index, dataset: dataset, key: nil, problems: [problem])
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
            return reject(dataset, Problem(code: .datasetNotAllowed, path: "\(path).dataset", label: spec.label, message: "platform \(platform.id) may not send dataset \(dataset) \(spec.label); it may send \(platform.allowedDatasets.map(\.rawValue).joined(separator: ", "))"))
        }
        guard case .object(let data)? = envelope["data"] else {
            return reject(dataset, Problem(code: .dataMissing, path: "\(path).data", message: "\"data\" must be an object of field codes and values"))
        }
        switch validator.validate(data, as: spec, path: "\(path).data") {
        case .failure(let failure):
            return .rejected(index: index, dataset: dataset, key: nil, problems: failure.problems)
        case .success(let checked):
            let normalized = JSONValue.object(checked.fields.mapValues(JSONValue.string)).canonicalText
            let destinations = routing.destinations(for: RoutingFacts(
                dataset: dataset, platform: platform.id, regionCode: checked.regionCode, industryCode: checked.industryCode
            ))
            return .valid(index: index, record: ValidatedRecord(
                dataset: dataset, businessKey: checked.businessKey, regionCode: checked.regionCode, industryCode: checked.industryCode,
                rawPayload: record.canonicalText, normalizedPayload: normalized,
                contentHash: DigestAlgorithm.sha256.hexHash(Array(normalized.utf8)), specVersion: validator.spec.version
            ), destinations: destinations)
        }
    }

    /// Audits a refusal decided at the HTTP edge (a body over the limit).
    public func recordRefusal(_ refusal: IngestRefusal, request: SignedRequest) async throws {
        try await audit(refusal, request: request)
    }

    private func audit(_ refusal: IngestRefusal, request: SignedRequest) async throws {
        metrics.recordRefusal(platform: refusal.platform?.rawValue, code: refusal.code.rawValue)
        logger.info("ingest refused", metadata: ["code": "\(refusal.code.rawValue)", "appKey": "\(request.appKey ?? "-")", "address": "\(request.address ?? "-")"])
        let detail = JSONValue.object([
            "appKey": .string(request.appKey ?? ""), "bodyBytes": .number(Double(request.body.count)),
            "message": .string(refusal.message), "nonce": .string(request.nonce ?? ""),
        ]).canonicalText
        try await store.appendAudit(AuditEvent(
            actorKind: refusal.platform == nil ? .anonymous : .platform, actor: refusal.platform?.rawValue ?? "-",
            action: "ingest.refused", outcome: refusal.code.rawValue, subject: nil, address: request.address, detail: detail
        ))
    }
}
