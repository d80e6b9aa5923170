import Foundation
import ShuniuCore
import ShuniuTrust

/// The JSON a destination receives: `{"records": [{idempotencyKey, dataset, key, version, …, data}]}`,
/// the normalized record in the common spec's shape with its provenance, and the fields its
/// dataset does not define under `extra`.
///
/// Nothing is masked here: destinations are government platforms (a superior hub, the national
/// platform, a supervision platform), registered and routed by this hub's operators, to which the
/// spec has trading platforms report records whole — personal data and 政务公开 fields included.
/// Masking is for consumers reading under grants (ReadService).
enum DeliveryBatch {
    static func body(for deliveries: [ClaimedDelivery]) -> [UInt8] {
        let records = deliveries.map { delivery in
            delivery.version.document(extra: ["idempotencyKey": .string(delivery.idempotencyKey)])
        }
        return Array(("{\"records\":[" + records.joined(separator: ",") + "]}").utf8)
    }

    /// One key for the request as a whole: the same batch retried carries the same key.
    static func idempotencyKey(for deliveries: [ClaimedDelivery]) -> String {
        let joined = deliveries.map(\.idempotencyKey).joined(separator: ",")
        return deliveries.count == 1 ? deliveries[0].idempotencyKey : "shuniu-batch-" + DigestAlgorithm.sha256.hexHash(Array(joined.utf8)).prefix(32)
    }

    /// Per-record answers inside a 2xx body, when the destination gives them:
    /// `{"results": [{"idempotencyKey": "…", "status": "accepted|duplicate|rejected|retry", "message": "…"}]}`.
    static func perRecordResults(_ body: [UInt8]) -> [String: (status: String, message: String?)] {
        // An upstream's answer is read as strictly as a platform's push: it must not stall a worker.
        guard let value = try? JSONReader(maxDepth: 8).read(body),
              case .array(let results)? = value.objectValue?["results"] else { return [:] }
        var answers: [String: (String, String?)] = [:]
        for result in results {
            guard let fields = result.objectValue, case .string(let key)? = fields["idempotencyKey"],
                  case .string(let status)? = fields["status"] else { continue }
            var message: String?
            if case .string(let text)? = fields["message"] { message = text }
            answers[key] = (status, message)
        }
        return answers
    }
}
