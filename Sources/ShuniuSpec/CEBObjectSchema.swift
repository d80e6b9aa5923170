/// The national CEB business objects, as `Mappings/destinations/ceb/objects.yaml` gives them: each
/// object's root element and its elements in order, whether required, and their restrictions.
/// Loaded with `load(file:)`; documents are checked with `problems(in:as:)`.
public struct CEBObjectSchema: Sendable {
    /// In the file's order.
    public var objects: [CEBObject]

    /// The file in the repository, relative to its root.
    public static let repositoryPath = "Mappings/destinations/ceb/objects.yaml"

    public init(objects: [CEBObject]) {
        self.objects = objects
    }

    /// The object of that name (`TenderProject`).
    public func object(named name: String) -> CEBObject? {
        objects.first { $0.name == name }
    }

    /// The object whose documents have that root element (`tenderProject`).
    public func object(element: String) -> CEBObject? {
        objects.first { $0.element == element }
    }
}
