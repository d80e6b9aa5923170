import Foundation

extension StoredVersion {
    /// The version as every reader gets it — push destinations and feed consumers alike:
    /// `{"data": {…}, "dataset", "key", "version", "hubId", "sourcePlatform", "regionCode",
    /// "specVersion", "contentHash", "receivedAt", "operation"}` (`insert`, `update` or `delete`:
    /// a tombstone carries the record's last data), `"dataKey"` when the sender gave one,
    /// `"flags"` when it was accepted with warnings (a missed deadline, a listed participant),
    /// `"extra"` beside `data` when the record kept fields its dataset does not define, plus the
    /// reader's own members.
    ///
    /// `data` is canonical JSON text: the stored normalized payload unless the caller gives
    /// another (a masked copy). It is spliced in rather than parsed and printed again.
    /// `unknownFields` likewise replaces the stored `extra` (a masked copy).
    public func document(data: String? = nil, unknownFields: String? = nil, extra: [String: JSONValue] = [:]) -> String {
        var fields: [String: JSONValue] = [
            "dataset": .string(dataset.rawValue),
            "key": .string(businessKey),
            "version": .number(Double(version)),
            "hubId": .number(Double(hubId)),
            "sourcePlatform": .string(sourcePlatform),
            "regionCode": regionCode.map(JSONValue.string) ?? .null,
            "specVersion": .string(specVersion),
            "contentHash": .string(contentHash),
            "receivedAt": .string(receivedAt.formatted(.iso8601)),
            "operation": .string(operation.rawValue),
        ]
        if let dataKey { fields["dataKey"] = .string(dataKey) }
        if let flags, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(flags.utf8)) { fields["flags"] = value }
        if let kept = unknownFields ?? self.extra, let value = try? JSONReader(maxDepth: 2).read(Array(kept.utf8)) { fields["extra"] = value }
        fields.merge(extra) { _, reader in reader }
        return "{\"data\":" + (data ?? normalizedPayload) + "," + JSONValue.object(fields).canonicalText.dropFirst()
    }
}
