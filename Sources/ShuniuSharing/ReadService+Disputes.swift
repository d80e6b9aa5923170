import Foundation
import ShuniuAuth
import ShuniuCore


extension ReadService {
    /// `POST /api/v1/records/{dataset}/{key}/disputes` with `{"field": "…", "reason": "…"}`: a
    /// consumer that may read the record reports that a field looks wrong (疑义校核). Answers the
    /// dispute as stored (201).
    public func openDispute(_ request: SignedRequest, dataset: String, key: String) async throws -> String {
        try await serve(request, action: "read.dispute", subject: "\(dataset)/\(key)") { caller, access in
            let datasetID = DatasetID(dataset)
            guard try await readableVersions(datasetID, key: key, access: access).last != nil else { throw Self.notFound(dataset, key) }
            let body = try DisputeBody(request.body)
            guard let field = spec.dataset(datasetID)?.field(body.field) else {
                throw ReadRefusal(.invalidDispute, "$.field: dataset \(dataset) has no field \(body.field)")
            }
            let dispute = try await store.openDispute(
                dataset: datasetID, key: key, field: field.code, fieldLabel: field.label, reason: body.reason,
                consumer: caller.consumer.id, address: request.address, at: now()
            )
            return Served(json: JSONText.encode(dispute), count: 1, datasets: [datasetID])
        }
    }
}

/// The body of a dispute: the field code in doubt and why.
struct DisputeBody {
    var field: String
    var reason: String

    /// Read strictly (UTF-8, no repeated member, one level deep) before anything is looked up.
    init(_ bytes: [UInt8]) throws(ReadRefusal) {
        let shape = "the body must be {\"field\": \"<field code>\", \"reason\": \"<why it looks wrong>\"}"
        let value: JSONValue
        do {
            value = try JSONReader(maxDepth: 1).read(bytes)
        } catch {
            throw ReadRefusal(.invalidDispute, "\(shape): \(error)")
        }
        guard case .object(let members) = value, case .string(let field)? = members["field"], case .string(let reason)? = members["reason"] else {
            throw ReadRefusal(.invalidDispute, shape)
        }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 2000 else {
            throw ReadRefusal(.invalidDispute, "$.reason: say why the field looks wrong, in at most 2000 characters")
        }
        if let scalar = TextCharacters.forbiddenInFreeText(trimmed) {
            throw ReadRefusal(.invalidDispute, "$.reason holds \(TextCharacters.name(scalar)); free text holds no control character but tab, CR and LF")
        }
        self.field = field.trimmingCharacters(in: .whitespaces)
        self.reason = trimmed
    }
}
