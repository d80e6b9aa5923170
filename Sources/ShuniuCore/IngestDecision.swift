/// What the ledger does with one valid record of a batch, given what it holds: the one decision
/// every engine takes (一数一源, the operation asked for, key changes, duplicates), so that a
/// record is accepted or refused alike, with the same code and message, whichever engine and
/// instance commits it. The engine makes the lookups (``dataKeyToCheck(for:held:)``,
/// ``uniqueValuesToCheck(for:held:)``) inside its transaction, then stores what is decided.
public enum IngestDecision: Sendable, Equatable {
    /// Nothing is stored: the record is answered.
    public enum Answer: Sendable, Equatable {
        /// Refused with this problem.
        case refuse(ProblemCode, String)
        /// Nothing new (the same content, or a delete of a deleted record): a duplicate.
        case unchanged(HeldRecord)
    }

    /// Answered without storing anything.
    case answer(Answer)
    /// A delete: a tombstone version after the record's latest.
    case tombstone(HeldRecord)
    /// A new version of a live record.
    case update(HeldRecord)
    /// A deleted record sent again: it lives on as a new version of itself.
    case revive(HeldRecord)
    /// A new record, version 1.
    case insert

    /// The DATA_KEY to look up before deciding: a new record that is not identified by its
    /// DATA_KEY may not take one another record holds.
    public static func dataKeyToCheck(for record: ValidatedRecord, held: HeldRecord?) -> String? {
        guard held == nil, record.operation != .delete, !record.identifiedByDataKey else { return nil }
        return record.dataKey
    }

    /// The duplicate-check values (the spec's RepeatCols) to look up among the sender's live
    /// records before deciding: only a record that would be inserted or revived is checked.
    public static func uniqueValuesToCheck(for record: ValidatedRecord, held: HeldRecord?) -> String? {
        guard record.operation != .update, record.operation != .delete, held?.deleted ?? true else { return nil }
        return record.uniqueValues
    }

    /// The decision for `record` from `platform` (speaking for `owners`: itself and the platforms
    /// it succeeds), given the record it names (`held`), the record holding its DATA_KEY
    /// (`dataKeyHolder`) and the key of a live record with the same duplicate-check values
    /// (`repeated`), as the engine found them.
    public static func decide(
        _ record: ValidatedRecord, from platform: PlatformID, owners: [String], held: HeldRecord?, dataKeyHolder: HeldRecord?, repeated: String?
    ) -> IngestDecision {
        let key = held?.key ?? record.businessKey
        let named = "record \(record.dataset) " + (key.isEmpty ? "with DATA_KEY \(record.dataKey ?? "")" : key)
        if let held, !owners.contains(held.owner) {
            return .answer(.refuse(.keyOwnedByOtherPlatform, "\(named) belongs to platform \(held.owner), its first source (一数一源); only it may send new versions or delete it"))
        }
        if record.operation == .delete {
            guard let held else {
                return .answer(.refuse(.recordUnknown, "\(named) is not held by the hub for platform \(platform); a delete (DATA_TYPE 3) names a record the platform sent"))
            }
            // Already a tombstone: a delete sent again changes nothing.
            return held.deleted ? .answer(.unchanged(held)) : .tombstone(held)
        }
        if let held, let problem = held.keyChange(to: record) {
            return .answer(.refuse(.keyChanged, "\(named): \(problem); a record's key fields and DATA_KEY do not change — delete it and insert a new one"))
        }
        if held == nil, let other = dataKeyHolder, let dataKey = record.dataKey {
            return .answer(.refuse(.keyChanged, "DATA_KEY \(dataKey) names record \(record.dataset) \(other.key), not \(key); a record's key fields do not change"))
        }
        if let held, !held.deleted {
            if record.operation == .insert {
                return .answer(.refuse(.recordExists, "\(named) exists (version \(held.latestVersion)); an insert (DATA_TYPE 1) makes a new record, an update (2) a new version"))
            }
            return held.latestHash == record.contentHash ? .answer(.unchanged(held)) : .update(held)
        }
        if record.operation == .update {
            let state = held.map { "was deleted (version \($0.latestVersion)); insert it again to revive it" } ?? "is not held by the hub for platform \(platform)"
            return .answer(.refuse(.recordUnknown, "\(named) \(state); an update (DATA_TYPE 2) needs a record the platform sent"))
        }
        if let other = repeated, let values = record.uniqueValues {
            return .answer(.refuse(.duplicateValues, "\(named) repeats record \(other) of platform \(platform): their duplicate-check fields (the spec's RepeatCols) are equal (\(values)); send an update of \(other), or delete it first"))
        }
        return held.map(IngestDecision.revive) ?? .insert
    }
}

extension RecordResult {
    /// The answer for a record of which nothing is stored: refused with its one problem, or
    /// unchanged (a duplicate, with the held record's id and version).
    public init(_ answer: IngestDecision.Answer, index: Int, record: ValidatedRecord, key: String) {
        switch answer {
        case .refuse(let code, let message):
            let problem = Problem(code: code, path: "$.records[\(index)]", label: nil, message: message)
            self.init(index: index, dataset: record.dataset, key: key.isEmpty ? nil : key, status: .rejected, problems: [problem])
        case .unchanged(let held):
            self.init(index: index, dataset: record.dataset, key: key, status: .duplicate, hubId: held.id, version: held.latestVersion)
        }
    }
}
