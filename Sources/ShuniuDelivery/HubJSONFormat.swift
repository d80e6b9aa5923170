import ShuniuCore

/// The hub's own JSON (``DeliveryBatch``), the format of a destination that names no mapping
/// file: a batch per request, per-record answers read from `results`. `Mappings/destinations/
/// shuniu-json.yaml` writes the same bytes, as an example of a file.
public struct HubJSONFormat: DeliveryFormat {
    public init() {}

    public func requests(for batch: [ClaimedDelivery], sendingAs operations: [Int64: RecordOperation]) -> DeliveryRendering {
        guard !batch.isEmpty else { return DeliveryRendering(requests: []) }
        return DeliveryRendering(requests: [DeliveryRequest(
            deliveries: batch, body: DeliveryBatch.body(for: batch), headers: [("Content-Type", "application/json")], signed: true,
            operations: Dictionary(uniqueKeysWithValues: batch.map { ($0.id, $0.version.operation) })
        )])
    }

    public func answers(_ body: [UInt8], to request: DeliveryRequest) -> [Int64: DeliveryAnswer] {
        let results = DeliveryBatch.perRecordResults(body)
        var answers: [Int64: DeliveryAnswer] = [:]
        for delivery in request.deliveries {
            guard let result = results[delivery.idempotencyKey] else { continue }
            switch result.status {
            case "rejected": answers[delivery.id] = .rejected(result.message)
            case "retry": answers[delivery.id] = .retry(result.message)
            case "duplicate": answers[delivery.id] = .duplicate
            default: answers[delivery.id] = .accepted
            }
        }
        return answers
    }
}
