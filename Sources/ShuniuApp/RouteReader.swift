import ShuniuCore
import Yams

/// Reads `routes:`, a list of mappings: `destination` (required) and the optional filters
/// `datasets`, `regions` (GB/T 2260 prefixes), `industries` (GB/T 4754 prefixes) and `platforms`.
/// A value may be one item or a list.
struct RouteReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    static let keys: Set<String> = ["destination", "datasets", "regions", "industries", "platforms"]

    init(file: String) {
        self.file = file
    }

    mutating func read(_ node: Node) -> [Route] {
        ItemReader.listItems(node, named: "routes", file: file, diagnostics: &diagnostics).compactMap { readItem($0.index, $0.node) }
    }

    private mutating func readItem(_ index: Int, _ item: Node) -> Route? {
        var reader = ItemReader(file: file, path: "routes[\(index)]", node: item, known: RouteReader.keys)
        defer { diagnostics += reader.diagnostics }
        let destination = reader.string("destination", required: true)
        let regions = reader.list("regions")
        for region in regions ?? [] where region.isEmpty || region.count > 6 || !region.allSatisfy(\.isNumber) {
            reader.report(item, "'routes[\(index)].regions': '\(region)' is not a GB/T 2260 code prefix (1–6 digits)")
        }
        var platforms: Set<PlatformID>?
        if let codes = reader.list("platforms") {
            platforms = Set(codes.compactMap(PlatformID.init(rawValue:)))
            for code in codes where PlatformID(rawValue: code) == nil {
                reader.report(item, "'routes[\(index)].platforms': '\(code)' is not a platform code [0-9A-Z]{11}")
            }
        }
        var datasets: Set<DatasetID>?
        if let numbers = reader.list("datasets") {
            datasets = Set(numbers.map { DatasetID(rawValue: $0) })
        }
        let industries = reader.list("industries")
        let route = Route(
            destination: destination ?? "", datasets: datasets,
            regionPrefixes: regions, industryPrefixes: industries, platforms: platforms
        )
        return reader.diagnostics.isEmpty ? route : nil
    }
}
