import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

/// Fields a record carries that its dataset does not define: kept with a warning, or refused
/// for a strict platform; their names and values bounded like any other input.
@Suite("Unknown fields")
struct UnknownFieldsTests {
    let spec: DataSpec
    let validator: RecordValidator

    init() throws {
        spec = try RepositoryPaths.loadedSpec()
        validator = RecordValidator(spec: spec)
    }

    func validate(_ changes: [String: Any], _ handling: UnknownFields = .keep) throws -> Result<RecordValidator.Checked, ValidationProblems> {
        let record = try Fixtures.record("500", changing: changes)
        let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
        return validator.validate(data.objectValue!, as: spec.dataset("500")!, path: "$.data", unknownFields: handling)
    }

    @Test("An unknown field is kept as text beside the spec's fields, with a field.unknown warning")
    func keptWithWarning() throws {
        let checked = try validate(["GREEN_BUILDING_LEVEL": " 二星 ", "FLOOR_COUNT": 12, "IS_PPP": true]).get()
        #expect(checked.extra == ["GREEN_BUILDING_LEVEL": "二星", "FLOOR_COUNT": "12", "IS_PPP": "true"])
        #expect(checked.fields["GREEN_BUILDING_LEVEL"] == nil)
        let warned = checked.warnings.filter { $0.code == .fieldUnknown }.map(\.path)
        #expect(warned == ["$.data.FLOOR_COUNT", "$.data.GREEN_BUILDING_LEVEL", "$.data.IS_PPP"])
        #expect(try validate([:]).get().extra.isEmpty)
    }

    @Test("A strict platform's unknown field refuses the record with field.unknown")
    func strictRefuses() throws {
        guard case .failure(let failure) = try validate(["GREEN_BUILDING_LEVEL": "二星"], .refuse) else {
            Issue.record("a strict platform's unknown field was accepted")
            return
        }
        #expect(failure.problems.map(\.code) == [.fieldUnknown])
        #expect(failure.problems.first?.path == "$.data.GREEN_BUILDING_LEVEL")
    }

    @Test("Unknown fields that cannot be kept are refused: odd names, long values, control characters, objects, too many")
    func insaneRefused() throws {
        func codes(_ changes: [String: Any]) throws -> [String: ProblemCode] {
            guard case .failure(let failure) = try validate(changes) else { return [:] }
            return Dictionary(failure.problems.map { ($0.path, $0.code) }, uniquingKeysWith: { first, _ in first })
        }
        #expect(try codes(["项目经理": "x"]) == ["$.data.项目经理": .fieldUnknown])
        #expect(try codes(["1ST": "x"]) == ["$.data.1ST": .fieldUnknown])
        #expect(try codes([String(repeating: "A", count: 65): "x"]).values.first == .fieldUnknown)
        #expect(try codes(["NOTE_TEXT": String(repeating: "长", count: UnknownFields.maxValueLength + 1)]) == ["$.data.NOTE_TEXT": .fieldLength])
        #expect(try codes(["NOTE_TEXT": "a\u{0}b"]) == ["$.data.NOTE_TEXT": .fieldControlCharacter])
        #expect(try codes(["NOTE_TEXT": ["a": "b"]]) == ["$.data.NOTE_TEXT": .fieldType])
        var many: [String: Any] = [:]
        for index in 0...UnknownFields.maxCount { many["EXTRA_\(index)"] = "x" }
        #expect(try codes(many) == ["$.data": .fieldUnknown])
        // At the bounds, kept.
        #expect((try? validate(["NOTE_TEXT": String(repeating: "长", count: UnknownFields.maxValueLength), String(repeating: "A", count: 64): "x"]).get()) != nil)
        // Tab, CR and LF are free text's.
        #expect(try validate(["NOTE_TEXT": "a\tb\r\nc"]).get().extra["NOTE_TEXT"] == "a\tb\r\nc")
    }
}
