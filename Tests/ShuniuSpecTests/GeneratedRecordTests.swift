import ShuniuCore
import ShuniuTesting
import Testing
import ShuniuSpec

/// Records generated from the spec files, which SpecReferenceTests holds to the reference tables:
/// for every dataset a record with every field filled is accepted, and each single mutation of a
/// field (missing, too long, outside its code list, an impossible date, a wrong check character)
/// is refused on that field with the problem that names it — but a code that an incomplete list
/// does not hold, which is accepted with a `code.unlisted` warning on that field.
@Suite("Generated records: every field of every dataset, valid and mutated")
struct GeneratedRecordTests {
    static let factory = try! SpecRecordFactory(spec: RepositoryPaths.loadedSpec())
    static var datasets: [String] { factory.datasets.map(\.dataset.rawValue) }

    func problems(_ record: [String: JSONValue], _ dataset: DatasetSpec) -> [Problem] {
        guard case .failure(let failure) = RecordValidator(spec: Self.factory.spec).validate(record, as: dataset, path: "$") else { return [] }
        return failure.problems
    }

    @Test("Every dataset has a fixture to build on")
    func everyDatasetCovered() {
        let missing = Self.factory.spec.datasets.keys.filter { id in !Self.datasets.contains(id.rawValue) }
        #expect(missing.isEmpty, "datasets without a fixture: \(missing.map(\.rawValue).sorted())")
    }

    @Test("A record with every field filled is accepted", arguments: datasets)
    func completeRecordAccepted(dataset: String) throws {
        let spec = try #require(Self.factory.spec.dataset(DatasetID(rawValue: dataset)))
        let record = Self.factory.completeRecord(spec)
        let unfilled = spec.fields.map(\.code).filter { record[$0] == nil }
        #expect(unfilled.isEmpty, "\(dataset): no valid value could be made for \(unfilled)")
        let found = problems(record, spec)
        #expect(found.isEmpty, "\(dataset): \(found.map { "\($0.code)@\($0.path): \($0.message)" })")
    }

    @Test("Each single mutation is refused on its field with its code", arguments: datasets)
    func mutationsRefused(dataset: String) throws {
        let spec = try #require(Self.factory.spec.dataset(DatasetID(rawValue: dataset)))
        let mutations = Self.factory.mutations(spec)
        #expect(!mutations.isEmpty)
        for mutation in mutations {
            if mutation.warns {
                let result = RecordValidator(spec: Self.factory.spec).validate(mutation.record, as: spec, path: "$")
                let warned = (try? result.get())?.warnings.contains { $0.code == mutation.expected && $0.path == "$.\(mutation.field)" } == true
                #expect(warned, "\(dataset) \(mutation.field) \(mutation.change): expected a \(mutation.expected) warning, got \(result)")
                continue
            }
            let found = problems(mutation.record, spec)
            let named = found.contains { $0.code == mutation.expected && $0.path == "$.\(mutation.field)" }
            #expect(named, "\(dataset) \(mutation.field) \(mutation.change): expected \(mutation.expected)@\(mutation.field), got \(found.map { "\($0.code)@\($0.path)" })")
            let label = spec.fields.first { $0.code == mutation.field }?.label ?? ""
            #expect(found.allSatisfy { $0.path != "$.\(mutation.field)" || $0.label == label }, "\(dataset) \(mutation.field): problems carry the spec's label")
        }
    }
}
