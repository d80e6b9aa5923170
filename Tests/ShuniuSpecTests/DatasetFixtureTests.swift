import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

/// Every dataset of the shipped spec has a fixture file `Tests/Fixtures/datasets/<number>.json`:
///
/// ```json
/// {"dataset": "510",
///  "valid": [{…one record's fields…}, …],
///  "invalid": [{"why": "…", "change": {"FIELD": "bad value", "OTHER": null}, "expect": ["field.required@OTHER", …]}]}
/// ```
///
/// Each `valid` record passes; each `invalid` case (the first valid record with `change` applied,
/// `null` removing a field) yields exactly the `expect`ed problems, as `code@FIELD` — or, with
/// `"expect": []` and `"warn": […]`, passes with exactly those warnings (a value an incomplete code
/// list does not hold is kept and told, not refused).
@Suite("Dataset fixtures: valid and invalid records of every dataset")
struct DatasetFixtureTests {
    static let spec = try! RepositoryPaths.loadedSpec()
    static let folder = RepositoryPaths.root + "/Tests/Fixtures/datasets"

    struct Fixture: Decodable {
        struct Case: Decodable {
            var why: String
            var change: [String: JSONValue]
            var expect: [String]
            var warn: [String]?
        }
        var dataset: DatasetID
        var valid: [[String: JSONValue]]
        var invalid: [Case]
    }

    static func fixture(_ dataset: String) throws -> Fixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(dataset).json"))
        return try JSONDecoder().decode(Fixture.self, from: data)
    }

    static var datasets: [String] { spec.datasets.keys.map(\.rawValue).sorted() }

    func problems(_ data: [String: JSONValue], _ dataset: DatasetID) -> [Problem] {
        let validator = RecordValidator(spec: Self.spec)
        // Refused as a strict platform's: a fixture that expects field.unknown expects a refusal.
        guard case .failure(let failure) = validator.validate(data, as: Self.spec.dataset(dataset)!, path: "$", unknownFields: .refuse) else { return [] }
        return failure.problems
    }

    func warnings(_ data: [String: JSONValue], _ dataset: DatasetID) -> [Problem] {
        let validator = RecordValidator(spec: Self.spec)
        guard case .success(let checked) = validator.validate(data, as: Self.spec.dataset(dataset)!, path: "$") else { return [] }
        return checked.warnings
    }

    @Test("Valid fixtures pass", arguments: datasets)
    func validRecordsPass(dataset: String) throws {
        let fixture = try Self.fixture(dataset)
        #expect(fixture.dataset.rawValue == dataset)
        #expect(!fixture.valid.isEmpty, "dataset \(dataset) needs at least one valid record")
        for (index, record) in fixture.valid.enumerated() {
            let found = problems(record, fixture.dataset)
            #expect(found.isEmpty, "valid[\(index)] of \(dataset): \(found.map { "\($0.code)@\($0.path): \($0.message)" })")
        }
    }

    @Test("Invalid fixtures yield exactly the expected problems", arguments: datasets)
    func invalidRecordsFail(dataset: String) throws {
        let fixture = try Self.fixture(dataset)
        #expect(fixture.invalid.contains { !$0.expect.isEmpty }, "dataset \(dataset) needs invalid cases")
        guard let base = fixture.valid.first else { return }
        for item in fixture.invalid {
            var record = base
            for (field, value) in item.change {
                if case .null = value { record.removeValue(forKey: field) } else { record[field] = value }
            }
            let found = problems(record, fixture.dataset).map { "\($0.code.rawValue)@\($0.path.dropFirst(2))" }
            #expect(found.sorted() == item.expect.sorted(), "\(dataset): \(item.why)")
            if let warn = item.warn {
                let told = warnings(record, fixture.dataset).map { "\($0.code.rawValue)@\($0.path.dropFirst(2))" }
                #expect(told.sorted() == warn.sorted(), "\(dataset): \(item.why)")
            }
        }
    }

    @Test("A value that fails its own check is reported once, not again as missing under a rule")
    func invalidValueNotAlsoMissing() throws {
        var record = try Self.fixture("510").valid[0]
        record["BID_PRICE"] = .string("三千万")
        record["PRICE_CURRENCY"] = .string("999")
        let found = problems(record, "510").map { "\($0.code.rawValue)@\($0.path.dropFirst(2))" }
        #expect(found.sorted() == ["field.code_list@PRICE_CURRENCY", "field.decimal@BID_PRICE"])
    }
}
