import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

/// Real codes that fail their check character, legacy 15-digit ID numbers and incomplete code
/// lists: accepted with a warning, where a plain wrong value is refused.
@Suite("Listed real codes, legacy ID numbers and incomplete code lists warn instead of refusing")
struct KnownInvalidCodeTests {
    let spec: DataSpec
    let validator: RecordValidator

    init() throws {
        spec = try RepositoryPaths.loadedSpec()
        validator = RecordValidator(spec: spec)
    }

    func validate(_ dataset: String, _ changes: [String: Any], spec: DataSpec? = nil) throws -> Result<RecordValidator.Checked, ValidationProblems> {
        let record = try Fixtures.datasetRecord(dataset, changing: changes)
        let data = try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: record["data"]!))
        let spec = spec ?? self.spec
        return RecordValidator(spec: spec).validate(data.objectValue!, as: spec.dataset(DatasetID(dataset))!, path: "$.data")
    }

    @Test("The shipped real code 91350203M0001QAY9B is accepted with a warning naming the list; a twin with another wrong check character is refused")
    func shippedCode() throws {
        #expect(CreditCode.problem(in: "91350203M0001QAY9B")?.contains("expected '9'") == true)
        let checked = try validate("550", ["PURCHASER_CODE": "91350203M0001QAY9B"]).get()
        #expect(checked.fields["PURCHASER_CODE"] == "91350203M0001QAY9B")
        let warning = try #require(checked.warnings.first { $0.code == .checkCharacterListed })
        #expect(warning.path == "$.data.PURCHASER_CODE" && warning.label == "采购人代码")
        #expect(warning.message.contains("known-invalid-check.yaml") && warning.message.contains("91350203M0001QAY9B"), "\(warning.message)")

        guard case .failure(let failure) = try validate("550", ["PURCHASER_CODE": "91350203M0001QAY9C"]) else {
            Issue.record("an unlisted code with a wrong check character passed")
            return
        }
        #expect(failure.problems.map(\.code) == [.creditCodeInvalid])
    }

    @Test("A code an operator allows is accepted once in force, and refused again when taken off")
    func operatorCode() throws {
        let own = spec.knownInvalidCodes.withoutOperatorEntries()
        var mine = spec
        mine.knownInvalidCodes = own
        let code = "91420102MA4K010138"  // the sound 91420102MA4K010137 with another check character
        #expect(throws: ValidationProblems.self) { try validate("550", ["PURCHASER_CODE": code], spec: mine).get() }
        own.replaceOperatorEntries([.init(code: code, source: "营业执照 checked by the supervisor", addedBy: "王工")])
        let warning = try #require(try validate("550", ["PURCHASER_CODE": code], spec: mine).get().warnings.first { $0.code == .checkCharacterListed })
        #expect(warning.message.contains("王工") && warning.message.contains("营业执照"), "\(warning.message)")
        // The shared spec did not take the operator's code.
        #expect(throws: ValidationProblems.self) { try validate("550", ["PURCHASER_CODE": code]).get() }
        own.replaceOperatorEntries([])
        #expect(throws: ValidationProblems.self) { try validate("550", ["PURCHASER_CODE": code], spec: mine).get() }
    }

    @Test("Only a code that fails nothing but its check character can be listed")
    func listableKinds() {
        #expect(KnownInvalidCodes.kindFailingOnlyCheckCharacter("91350203M0001QAY9B") == .creditCode)
        #expect(KnownInvalidCodes.kindFailingOnlyCheckCharacter("D2143569-1") == .organizationCode)
        #expect(KnownInvalidCodes.kindFailingOnlyCheckCharacter("D2143569-X") == nil)  // valid
        #expect(KnownInvalidCodes.kindFailingOnlyCheckCharacter("91350203M0001QAY9") == nil)  // short
        #expect(KnownInvalidCodes.kindFailingOnlyCheckCharacter("91350203M0001QAYOB") == nil)  // O never occurs
    }

    @Test("A shipped entry that passes its check, or has no source, stops the spec from loading with its line")
    func badShippedEntry() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let copy = folder.file("spec")
        try FileManager.default.copyItem(atPath: RepositoryPaths.spec, toPath: copy)
        try """
            codes:
              - {code: 91350203M0001QAY9B, source: known}
              - {code: 91420102MA4K010137, source: sound}
              - {code: 91420102MA4K010138, source: " "}
            """.write(toFile: copy + "/codes/known-invalid-check.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try SpecLoader.load(directory: copy)
            Issue.record("a spec with a bad known-invalid entry loaded")
        } catch let error as DiagnosticsError {
            let found = error.diagnostics.map { "\($0.line ?? 0): \($0.message)" }
            #expect(found.count == 2, "\(found)")
            #expect(found.contains { $0.hasPrefix("3:") && $0.contains("91420102MA4K010137") }, "\(found)")
            #expect(found.contains { $0.hasPrefix("4:") && $0.contains("needs a source") }, "\(found)")
        }
    }

    @Test("A legacy 15-digit 身份证号 is stored in its 18-digit form, with a warning that does not quote it")
    func legacyResidentID() throws {
        let checked = try validate("510", ["PM_CODE": "110105491231002"]).get()
        #expect(checked.fields["PM_CODE"] == "11010519491231002X")
        let warning = try #require(checked.warnings.first { $0.code == .residentID15 })
        #expect(warning.path == "$.data.PM_CODE")
        #expect(!warning.message.contains("110105"), "the warning travels unmasked: \(warning.message)")
        // An 18-digit number warns of nothing; a 15-digit one with an impossible birth date is refused.
        #expect(try validate("510", ["PM_CODE": "11010519491231002X"]).get().warnings.allSatisfy { $0.code != .residentID15 })
        guard case .failure(let failure) = try validate("510", ["PM_CODE": "110105491331002"]) else {
            Issue.record("a 15-digit number born in month 13 passed")
            return
        }
        #expect(failure.problems.map(\.code) == [.residentIDInvalid])
    }

    @Test("An incomplete code list accepts an unlisted value with code.unlisted; a complete one refuses it")
    func incompleteList() throws {
        var mine = spec
        let name = try #require(spec.datasets[DatasetID("550")]?.field("PURCHASER_MODE")?.codeList)
        var list = try #require(spec.codeLists[name])
        list.complete = false
        mine.codeLists[name] = list
        let checked = try validate("550", ["PURCHASER_MODE": "8"], spec: mine).get()
        #expect(checked.fields["PURCHASER_MODE"] == "8")
        let warning = try #require(checked.warnings.first { $0.code == .codeUnlisted })
        #expect(warning.path == "$.data.PURCHASER_MODE" && warning.message.contains("'8'") && warning.message.contains(name), "\(warning.message)")
        #expect(try validate("550", ["PURCHASER_MODE": list.entries[0].code], spec: mine).get().warnings.allSatisfy { $0.code != .codeUnlisted })

        list.complete = true
        mine.codeLists[name] = list
        guard case .failure(let failure) = try validate("550", ["PURCHASER_MODE": "8"], spec: mine) else {
            Issue.record("a complete list accepted an unlisted value")
            return
        }
        #expect(failure.problems.map(\.code) == [.fieldCodeList])
    }
}
