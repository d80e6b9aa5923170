import Foundation
import ShuniuAuth
import ShuniuCore


extension ReadService {
    /// `GET /api/v1/records/{dataset}/{key}`: the latest version of one record.
    public func latest(_ request: SignedRequest, dataset: String, key: String) async throws -> String {
        try await serve(request, action: "read.record", subject: "\(dataset)/\(key)") { _, access in
            let versions = try await readableVersions(DatasetID(dataset), key: key, access: access)
            guard let latest = versions.last else { throw Self.notFound(dataset, key) }
            let disputes = try await store.openDisputes(records: [latest.hubId])
            let withdrawals = try await store.withdrawals(records: [latest.hubId])
            var masked = 0
            let json = document(latest, access: access, disputes: disputes[latest.hubId] ?? [], withdrawals: withdrawals[latest.hubId] ?? [], masked: &masked)
            return Served(json: json, count: 1, datasets: [latest.dataset], masked: masked)
        }
    }

    /// `GET /api/v1/records/{dataset}/{key}/versions`: every version, oldest first, as
    /// `{"dataset": …, "key": …, "versions": […]}`.
    public func versions(_ request: SignedRequest, dataset: String, key: String) async throws -> String {
        try await serve(request, action: "read.versions", subject: "\(dataset)/\(key)") { _, access in
            let versions = try await readableVersions(DatasetID(dataset), key: key, access: access)
            guard let first = versions.first else { throw Self.notFound(dataset, key) }
            let disputes = try await store.openDisputes(records: [first.hubId])[first.hubId] ?? []
            let withdrawals = try await store.withdrawals(records: [first.hubId])[first.hubId] ?? []
            var masked = 0
            let documents = versions.map { version in
                document(version, access: access, disputes: disputes.filter { $0.version == version.version }, withdrawals: withdrawals, masked: &masked)
            }
            let head = JSONValue.object(["dataset": .string(dataset), "key": .string(key)]).canonicalText.dropLast()
            return Served(json: head + ",\"versions\":[" + documents.joined(separator: ",") + "]}", count: documents.count,
                          datasets: [first.dataset], masked: masked)
        }
    }

    /// The record's versions, after the dataset's sharing check.
    func readableVersions(_ dataset: DatasetID, key: String, access: ReadAccess) async throws -> [StoredVersion] {
        if let refusal = access.refusal(for: dataset) {
            throw refusal.code == .unknownDataset ? ReadRefusal(.notFound, refusal.message) : refusal
        }
        guard !key.isEmpty, key.count <= 512 else { throw ReadRefusal(.badQuery, "the record key must be 1 to 512 characters") }
        // The store's C library would read a key only up to a NUL: such a key names no record.
        if let scalar = TextCharacters.forbiddenInCode(key) {
            throw ReadRefusal(.badQuery, "the record key holds \(TextCharacters.name(scalar)); keys hold no control, format or separator character")
        }
        return try await store.versions(dataset: dataset, key: key)
    }

    static func notFound(_ dataset: String, _ key: String) -> ReadRefusal {
        ReadRefusal(.notFound, "the hub has no record \(dataset) \(key) (a composite key joins its fields with |, sent as %7C)")
    }
}
