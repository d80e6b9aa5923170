import ShuniuCore

/// A dataset whose records list subjects that may not take part in tendering: 失信被执行人
/// (3103) and 黑名单 entries (302) (法〔2016〕285号; DATA-SPEC §3.4). A record of a dataset with
/// `participants` that names a listed subject is flagged with a warning, never refused: the
/// record is a true account, and the supervisor must see it.
public struct ListingSpec: Codable, Sendable, Hashable {
    /// The field holding the listed subject's code (统一社会信用代码, ID number, …).
    public var subjectField: String
    /// What the list is called in a warning (失信被执行人, 黑名单).
    public var label: String
    /// The listing is no longer in force when this field has this value (302: REVOCATION_STATUS 1);
    /// a withdrawn record (303) is never in force either.
    public var inactiveWhen: Condition?

    public struct Condition: Codable, Sendable, Hashable {
        public var field: String
        public var equals: String
    }

    /// True when a record's fields keep the listing in force.
    public func isInForce(_ fields: [String: String]) -> Bool {
        guard let inactiveWhen else { return true }
        return fields[inactiveWhen.field] != inactiveWhen.equals
    }
}
