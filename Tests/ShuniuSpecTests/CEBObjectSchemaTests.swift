import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import Testing

@Suite("CEB objects: the schema file, its loader and the order-keeping XML reader")
struct CEBObjectSchemaTests {
    static func repositorySchema() throws -> CEBObjectSchema {
        try CEBObjectSchema.load(file: RepositoryPaths.root + "/" + CEBObjectSchema.repositoryPath)
    }

    @Test("The repository's file loads: the eleven objects, their roles, keys and element order as the national schema has them")
    func repositoryFile() throws {
        let schema = try Self.repositorySchema()
        #expect(schema.objects.map(\.name) == [
            "Project", "TenderProject", "BidSection", "TenderBulletin", "OpenBidRecord", "ProjectOpenBidList", "GoodsOpenBidList",
            "ServiceOpenBidList", "WinCandidateBulletin", "WinBidBulletin", "WinBid",
        ])
        let project = try #require(schema.object(named: "Project"))
        #expect(project.element == "project" && project.role == .root && project.key == "projectCode")
        #expect(project.rules.prefix(4).map(\.name) == ["projectCode", "tradePlatfProjectCode", "projectName", "regionCode"])
        #expect(project.rules.count == 26)
        #expect(project.rule("projectCode")?.length == 17)

        let section = try #require(schema.object(element: "bidSection"))
        #expect(section.role == .child && section.parent == "TenderProject" && section.link == "tenderProjectCode")
        #expect(schema.object(named: "TenderBulletin")?.rule("URL")?.maxLength == 500)
        #expect(schema.object(named: "GoodsOpenBidList")?.rule("isOpen") == nil, "goods lines have no isOpen")

        let winner = try #require(schema.object(named: "WinBid"))
        let choices = winner.items.compactMap { item -> [[String]]? in
            if case .choice(let branches) = item { return branches.map { $0.map(\.name) } }
            return nil
        }
        #expect(choices == [[["winBidPrice", "currencyCode", "priceUnit"], ["otherWinBidPrice"]]])
        #expect(winner.rule("winBidPrice")?.type == .decimalOrEmpty)
    }

    @Test("Mistakes in an objects file are all reported, each with its line")
    func loaderDiagnostics() throws {
        let yaml = """
        objects:
          - name: Thing
            element: thing
            role: root
            key: thingKey
            elements:
              - {name: thingCode, required: true, maxLenght: 10}
              - {name: version, required: true, pattern: "[0-9"}
          - name: Line
            element: line
            role: child
            parent: Nothing
            link: thingCode
            key: lineCode
            elements:
              - {name: lineCode, required: true}
              - choice:
                  - - {name: price, required: true, type: limit-decimal}
        """
        let error = try #require(throws: DiagnosticsError.self) { try CEBObjectSchema.parse(yaml, file: "objects.yaml") }
        let found = error.diagnostics.map { "\($0.line ?? 0): \($0.message)" }
        #expect(found.contains { $0.hasPrefix("7: unknown key 'maxLenght'") }, "\(found)")
        #expect(found.contains("8: Thing.version: pattern is not a valid regular expression"), "\(found)")
        #expect(found.contains("5: Thing: key thingKey is not one of its elements"), "\(found)")
        #expect(found.contains("13: Line: link thingCode is not one of its elements"), "\(found)")
        #expect(found.contains("12: Line: no object named Nothing"), "\(found)")
        #expect(found.contains("17: Line: a choice needs two or more branches, none of them empty"), "\(found)")

        let missing = try #require(throws: DiagnosticsError.self) {
            try CEBObjectSchema.parse("objects:\n  - name: A\n    element: a\n    role: root\n    key: k\n    elements:\n      - {name: k}\n", file: "objects.yaml")
        }
        #expect(missing.diagnostics.first?.line == 7 && missing.diagnostics.first?.message.contains("required") == true, "\(missing)")
    }

    @Test("The reader keeps elements in order with their text and lines, references expanded, CDATA and line ends as XML says")
    func readerKeepsOrder() throws {
        let xml = "<?xml version=\"1.0\"?>\r\n<!-- a comment -->\n<a x=\"1\">\n  <c>&lt;3 &amp; &#x4E2D;&#25991;</c>\n  <b><![CDATA[one\r\ntwo]]></b>\n  <c/>\n</a>\n"
        let root = try OrderedXMLReader.read(Array(xml.utf8))
        #expect(root.name == "a" && root.attributes == [.init(name: "x", value: "1")] && root.line == 3)
        #expect(root.children.map(\.name) == ["c", "b", "c"])
        #expect(root.children.map(\.line) == [4, 5, 7])
        #expect(root.children[0].text == "<3 & 中文")
        #expect(root.children[1].text == "one\ntwo")
        #expect(root.children[2].text == "")
    }

    @Test("The reader refuses a DOCTYPE, nesting past its bound, mismatched tags, content after the root and undeclared non-UTF-8, saying where")
    func readerIsStrict() {
        func refusal(_ text: String, depth: Int = OrderedXMLReader.defaultMaximumDepth) -> OrderedXMLError? {
            do {
                _ = try OrderedXMLReader.read(Array(text.utf8), maximumDepth: depth)
                return nil
            } catch {
                return error
            }
        }
        let doctype = refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e \"x\">]>\n<a>&e;</a>")
        #expect(doctype?.line == 2 && doctype?.message.contains("DOCTYPE") == true, "\(String(describing: doctype))")
        let deep = refusal(String(repeating: "<a>", count: 5) + String(repeating: "</a>", count: 5), depth: 4)
        #expect(deep?.message == "elements are nested more than 4 deep" && deep?.column == 13, "\(String(describing: deep))")
        let mismatched = refusal("<a>\n<b></c></a>")
        #expect(mismatched?.line == 2 && mismatched?.message.contains("</c> does not close <b>") == true, "\(String(describing: mismatched))")
        #expect(refusal("<a/><b/>")?.message.contains("content after the root element") == true)
        #expect(refusal("<a>&nbsp;</a>")?.message.contains("unknown entity") == true)
        let notUTF8 = (try? OrderedXMLReader.read([0x3C, 0x61, 0x3E, 0xD5, 0xD0, 0x3C, 0x2F, 0x61, 0x3E])) == nil
        #expect(notUTF8, "GBK bytes without a declaration are not UTF-8")
        #expect(refusal("<?xml version=\"1.0\" encoding=\"Big5\"?><a/>")?.message.contains("'big5'") == true)
        // 0x81 0x20 starts no GB 18030 character.
        let badGB = (try? OrderedXMLReader.read(Array("<?xml version=\"1.0\" encoding=\"GBK\"?><a>".utf8) + [0x81, 0x20] + Array("</a>".utf8))) == nil
        #expect(badGB, "bytes that are not GB 18030 in a document declared GBK are refused")
    }

    @Test("A choice with no branch present, a repeated element, an element holding elements: each reported with its path")
    func validatorProblems() throws {
        let schema = try Self.repositorySchema()
        let winner = try #require(schema.object(named: "WinBid"))
        let sample = try String(contentsOfFile: RepositoryPaths.sample("ceb/win-bid.xml"), encoding: .utf8)
        let valid = try OrderedXMLReader.read(Array(sample.utf8))
        #expect(winner.problems(in: valid, path: "/winBid").isEmpty)

        var noPrice = valid
        noPrice.children.removeAll { ["winBidPrice", "currencyCode", "priceUnit"].contains($0.name) }
        #expect(winner.problems(in: noPrice, path: "/winBid").map(\.description)
            == ["/winBid/winBidPrice: <winBidPrice> with <currencyCode> and <priceUnit>, or <otherWinBidPrice>, is required"])

        var halfPrice = valid
        halfPrice.children.removeAll { $0.name == "priceUnit" }
        #expect(winner.problems(in: halfPrice, path: "/winBid").map(\.kind) == [.missingElement])

        var repeated = valid
        repeated.children.insert(valid.children[1], at: 2)
        #expect(winner.problems(in: repeated, path: "/winBid").map(\.kind) == [.repeatedElement])

        var nested = valid
        nested.children[0].children = [OrderedXMLElement(name: "code", text: "x")]
        #expect(winner.problems(in: nested, path: "/winBid").map(\.description) == ["/winBid/winBidderCode: <winBidderCode> holds a value, not elements or attributes"])

        let other = try #require(schema.object(named: "Project"))
        #expect(other.problems(in: valid, path: "/winBid").map(\.kind) == [.unknownObject])
    }
}
