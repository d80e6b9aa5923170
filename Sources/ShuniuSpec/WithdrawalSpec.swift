import ShuniuCore

/// A dataset whose records withdraw records of another (303 撤销黑名单信息 withdraws a 302
/// 黑名单信息 entry): the original stays in history, marked withdrawn, and the withdrawal follows
/// it to every destination that received it (DATA-SPEC §3.5, §3.6).
public struct WithdrawalSpec: Codable, Sendable, Hashable {
    /// The dataset of the records withdrawn.
    public var dataset: DatasetID
    /// Fields of this dataset whose values, in order, are the withdrawn record's whole key.
    public var fields: [String]
    /// Working days within which the withdrawal must reach every destination that has the
    /// original (DATA-SPEC §6 D18: a repair result is shared within 3 working days); a delivery
    /// still waiting after them is overdue. Nil: no deadline.
    public var withinWorkingDays: Int?

    /// The withdrawn record's business key, from a withdrawal's fields; nil when one is empty.
    public func originalKey(in fields: [String: String]) -> String? {
        let parts = self.fields.map { fields[$0] ?? "" }
        return parts.contains(where: \.isEmpty) ? nil : parts.joined(separator: "|")
    }
}
