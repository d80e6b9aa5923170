import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

@Suite("Loading the spec reports every problem with file and line")
struct SpecLoaderTests {
    @Test("A broken spec folder yields located diagnostics for each file")
    func brokenSpec() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let fm = FileManager.default
        for sub in ["datasets", "codelists", "regions"] {
            try fm.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true)
        }
        try "version: test\n".write(toFile: folder.file("spec.yaml"), atomically: true, encoding: .utf8)
        try "name: YES_NO\nlabel: 是否\nvalues:\n  - {code: \"0\", label: 否}\n".write(toFile: folder.file("codelists/YES_NO.yaml"), atomically: true, encoding: .utf8)
        try "420000\t湖北省\n42\tbad\n".write(toFile: folder.file("regions/table.tsv"), atomically: true, encoding: .utf8)
        try """
            dataset: "900"
            name: TEST
            label: 测试
            sharing: unconditional
            key: [MISSING_KEY]
            fields:
              - {code: A, label: 甲, type: text}
              - {code: B, label: 乙, type: code, codeList: NO_SUCH_LIST}
              - {code: C, label: 丙, type: nonsense}
            """.write(toFile: folder.file("datasets/900.yaml"), atomically: true, encoding: .utf8)
        try """
            dataset: "901"
            name: TEST2
            label: 测试二
            sharing: unconditional
            key: [A]
            fields:
              - {code: A, label: 甲, type: text}
              - {code: B, label: 乙, type: code, codeList: NO_SUCH_LIST}
            rules:
              - {rule: prefix, field: A, startsWith: Z}
            """.write(toFile: folder.file("datasets/901.yaml"), atomically: true, encoding: .utf8)

        let error = try #require(throws: DiagnosticsError.self) { try SpecLoader.load(directory: folder.path) }
        let messages = error.diagnostics.map(\.description)
        #expect(messages.contains { $0.contains("regions/table.tsv:2:") })
        #expect(messages.contains { $0.contains("datasets/900.yaml:9:") && $0.contains("type") }, "\(messages)")
        #expect(messages.contains { $0.contains("datasets/901.yaml:8:") && $0.contains("NO_SUCH_LIST") }, "\(messages)")
        #expect(messages.contains { $0.contains("datasets/901.yaml:10:") && $0.contains("Z") }, "\(messages)")
    }

    @Test("A missing spec folder is reported, not a crash")
    func missingFolder() {
        #expect(throws: DiagnosticsError.self) { try SpecLoader.load(directory: "/nonexistent/spec") }
    }

    @Test("A withdrawal must name a dataset of the spec and its whole key, with fields of its own")
    func badWithdrawal() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let copy = folder.file("spec")
        try FileManager.default.copyItem(atPath: RepositoryPaths.spec, toPath: copy)
        let file = copy + "/datasets/303.yaml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        for (withdraws, words) in [
            (#"{dataset: "999", fields: [BLACKLIST_CODE]}"#, "no dataset 999 in the spec"),
            (#"{dataset: "302", fields: [BLACKLIST_CODE, BODY_NAME]}"#, "gives 2 values but dataset 302's key has 1 fields"),
            (#"{dataset: "510", fields: [BLACKLIST_CODE]}"#, "a withdrawal names the whole key of the record it withdraws: dataset 510's key has 2 fields"),
            (#"{dataset: "302", fields: [NO_SUCH_FIELD]}"#, "NO_SUCH_FIELD is not a field of dataset 303"),
        ] {
            let changed = original.replacingOccurrences(of: #"withdraws: {dataset: "302", fields: [BLACKLIST_CODE], withinWorkingDays: 3}"#, with: "withdraws: \(withdraws)")
            #expect(changed != original)
            try changed.write(toFile: file, atomically: true, encoding: .utf8)
            let error = try #require(throws: DiagnosticsError.self) { try SpecLoader.load(directory: copy) }
            #expect(error.diagnostics.contains { $0.file.hasSuffix("303.yaml") && $0.line != nil && $0.message.contains(words) }, "\(error.diagnostics)")
        }
        try original.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try SpecLoader.load(directory: copy).dataset("303")?.withdraws?.dataset == "302")
    }

    @Test("Listing and participant fields must be fields of their dataset")
    func badListingFields() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let copy = folder.file("spec")
        try FileManager.default.copyItem(atPath: RepositoryPaths.spec, toPath: copy)
        for (file, from, to, words) in [
            ("510", "participants: [WIN_CANDIDATE_CODE]", "participants: [WIN_CANDIDATE_CODE, NO_SUCH]", "participant field NO_SUCH is not a field of dataset 510"),
            ("302", "inactiveWhen: {field: REVOCATION_STATUS", "inactiveWhen: {field: REVOKED", "listing field REVOKED is not a field of dataset 302"),
        ] {
            let path = copy + "/datasets/\(file).yaml"
            let original = try String(contentsOfFile: path, encoding: .utf8)
            #expect(original.contains(from))
            try original.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: DiagnosticsError.self) { try SpecLoader.load(directory: copy) }
            #expect(error.diagnostics.contains { $0.file.hasSuffix("\(file).yaml") && $0.line != nil && $0.message.contains(words) }, "\(error.diagnostics)")
            try original.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let spec = try SpecLoader.load(directory: copy)
        #expect(spec.dataset("3103")?.lists?.subjectField == "SX_BZXR_DM" && spec.dataset("511")?.participants.count == 3)
    }
}
