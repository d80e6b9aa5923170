/// A record that listed a subject code at some version: its latest fields, and whether it was
/// withdrawn, for the caller to judge whether the listing is still in force.
public struct SubjectListing: Sendable, Hashable {
    public var hubId: Int64
    public var dataset: DatasetID
    public var key: String
    public var fields: [String: String]
    public var withdrawn: Bool

    public init(hubId: Int64, dataset: DatasetID, key: String, fields: [String: String], withdrawn: Bool) {
        self.hubId = hubId
        self.dataset = dataset
        self.key = key
        self.fields = fields
        self.withdrawn = withdrawn
    }
}
