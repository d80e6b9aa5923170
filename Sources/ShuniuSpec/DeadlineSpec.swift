import ShuniuCore

/// A publication deadline that a regulation sets (DATA-SPEC §6), as data: the time in `field`
/// compared with a time in this record or in a referenced one. A missed deadline is a warning,
/// never a refusal: the record is a true account of something that happened late.
public struct DeadlineSpec: Codable, Sendable, Hashable {
    public var id: String
    /// What the deadline says, in the regulation's words.
    public var label: String
    /// The later time, in this record.
    public var field: String
    public var from: Origin
    public var atMostDays: Int?
    public var atLeastDays: Int?
    public var unit: Unit?
    /// The regulation and article.
    public var source: String?

    /// Where the earlier time is: `field` of this record, or of the records of `dataset` whose
    /// key starts with the values of `fields`.
    public struct Origin: Codable, Sendable, Hashable {
        public var dataset: DatasetID?
        public var fields: [String]?
        public var field: String
    }

    public enum Unit: String, Codable, Sendable {
        /// Calendar days (日); a period's last day that is a rest day moves to the next working day.
        case days
        /// Working days (工作日): Monday to Friday less holidays, plus make-up working days, by
        /// the spec's ``WorkingCalendar``.
        case workingDays
    }
}
