import ShuniuCore

/// Another record that a record of this dataset needs: found by its business key, or by a
/// leading part of it, in the same batch or in the store.
public struct ReferenceSpec: Codable, Sendable, Hashable {
    /// The referenced dataset.
    public var dataset: DatasetID
    /// Fields of this dataset whose values, in order, are the referenced key (or its leading part).
    /// A single list field (`BID_SECTION_CODES`) refers to one record per element.
    public var fields: [String]
    /// The reference is not needed when this field has a value (an explanation instead).
    public var unlessField: String?
    /// Nothing needs to exist; the comparison below applies when something does.
    public var optional: Bool?
    /// The time in this record's `field` is not before the latest `theirs` of the referenced records.
    public var notBefore: Comparison?
    public var description: String?

    public struct Comparison: Codable, Sendable, Hashable {
        public var field: String
        public var theirs: String
    }

    public var isOptional: Bool { optional ?? false }
}
