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
}
