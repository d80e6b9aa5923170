import Foundation
import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuMapping

@Suite("XML payloads")
struct XMLPayloadTests {
    func decode(_ text: String) throws -> JSONValue {
        try XMLPayload.decode(Array(text.utf8))
    }

    func failure(_ bytes: [UInt8], maximumDepth: Int = XMLPayload.defaultMaximumDepth) throws -> XMLPayloadError {
        try #require(throws: XMLPayloadError.self) { try XMLPayload.decode(bytes, maximumDepth: maximumDepth) }
    }

    func failure(_ text: String, maximumDepth: Int = XMLPayload.defaultMaximumDepth) throws -> XMLPayloadError {
        try failure(Array(text.utf8), maximumDepth: maximumDepth)
    }

    @Test("Nesting, repeated siblings, attributes, text-only and empty elements")
    func shapes() throws {
        let value = try decode("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- a CEB object -->
            <TenderProject version="20261122090000">
              <tenderProjectCode>E4201000005000001001</tenderProjectCode>
              <tenderProjectName>示范道路工程</tenderProjectName>
              <remark/>
              <note></note>
              <BidSection><bidSectionCode>E4201000005000001001001</bidSectionCode></BidSection>
              <BidSection><bidSectionCode>E4201000005000001001002</bidSectionCode></BidSection>
              <price unit='2'>12.5</price>
              <flag set="1"/>
              <?platform-hint skip me?>
            </TenderProject>
            """)
        #expect(value == .object(["TenderProject": .object([
            "@version": .string("20261122090000"),
            "tenderProjectCode": .string("E4201000005000001001"),
            "tenderProjectName": .string("示范道路工程"),
            "remark": .string(""),
            "note": .string(""),
            "BidSection": .array([
                .object(["bidSectionCode": .string("E4201000005000001001001")]),
                .object(["bidSectionCode": .string("E4201000005000001001002")]),
            ]),
            "price": .object(["@unit": .string("2"), "#text": .string("12.5")]),
            "flag": .object(["@set": .string("1")]),
        ])]))
    }

    @Test("Entities, numeric references, CDATA, mixed text and line ends")
    func text() throws {
        let value = try decode(
            "<a t=\"x &amp; y&#9;\tz\r\n\"><b>&lt;&gt;&amp;&quot;&apos;</b><c>&#20013;&#x6587;&#x1F600;</c>"
                + "<d><![CDATA[<不转义> & ]]]]><![CDATA[>]]></d><e>一\r\n二\r三</e>前<f/>后 </a>")
        #expect(value == .object(["a": .object([
            "@t": .string("x & y\t z "),
            "b": .string("<>&\"'"),
            "c": .string("中文😀"),
            "d": .string("<不转义> & ]]>"),
            "e": .string("一\n二\n三"),
            "f": .string(""),
            "#text": .string("前后"),
        ])]))
    }

    @Test("A byte-order mark is allowed; whitespace around the root is not content")
    func bom() throws {
        #expect(try XMLPayload.decode([0xEF, 0xBB, 0xBF] + Array("\n<a>1</a>\n<!-- end -->\n".utf8)) == .object(["a": .string("1")]))
    }

    @Test("Mistakes are refused with their line and column", arguments: [
        // (document, kind, line, column, words of the message)
        ("<a>\n  <b>text</b>\n", XMLPayloadError.Kind.unclosed, 3, 1, "<a> opened at line 1, column 1 is not closed"),
        ("<a>\n  <b>text</c>\n</a>", .mismatchedTag, 2, 10, "</c> does not close <b> (opened at line 2, column 3)"),
        ("<a>\n  <b>AT&T</b>\n</a>", .entity, 2, 8, "'&' must start a reference"),
        ("<a>&nbsp;</a>", .entity, 1, 4, "unknown entity '&nbsp;'"),
        ("<a>&#0;</a>", .entity, 1, 4, "not a legal character reference"),
        ("<a>&#xD800;</a>", .entity, 1, 4, "not a legal character reference"),
        ("<a>&#x110000;</a>", .entity, 1, 4, "not a legal character reference"),
        ("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"lol\">]>\n<a>&x;</a>", .doctype, 2, 1, "not accepted"),
        ("<a><!DOCTYPE b></a>", .doctype, 1, 4, "DTD"),
        ("<a>1</a>\n<b>2</b>", .trailingContent, 2, 1, "content after the root element"),
        ("<a>1</a> x", .trailingContent, 1, 10, "content after the root element"),
        ("<a>\n<b x=\"1\" x=\"2\"/></a>", .syntax, 2, 10, "'x' appears twice"),
        ("<a x=1/>", .syntax, 1, 6, "expected a quoted value"),
        ("<a x=\"<\"/>", .syntax, 1, 7, "'<' is not allowed"),
        ("<a>]]></a>", .syntax, 1, 4, "']]>' is not allowed"),
        ("<a><!-- a -- b --></a>", .syntax, 1, 11, "'--' is not allowed"),
        ("<a><![CDATA[never closed</a>", .unclosed, 1, 4, "CDATA"),
        ("<a><1b/></a>", .syntax, 1, 5, "expected a name"),
        ("<a b=\"1\"c=\"2\"/>", .syntax, 1, 9, "expected whitespace"),
        ("<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><a/>", .encoding, 1, 21, "'ISO-2022-JP'; accepted: utf-8, gb18030, gbk, gb2312"),
        ("<a/>\n<?xml version=\"1.0\"?>", .syntax, 2, 1, "only allowed at the very start"),
        ("  hello <a/>", .syntax, 1, 3, "text before the root element"),
        ("", .syntax, 1, 1, "no root element"),
        ("<a>\u{01}</a>", .syntax, 1, 4, "control character U+0001"),
    ])
    func mistakes(document: String, kind: XMLPayloadError.Kind, line: Int, column: Int, words: String) throws {
        let error = try failure(document)
        #expect(error.kind == kind, "\(error)")
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.message.contains(words), "\(error)")
    }

    @Test("Bytes that are not UTF-8 are refused where they are: GBK text, a stray continuation byte, UTF-16")
    func notUTF8() throws {
        // "中" in GBK is D6 D0.
        let gbk = try failure(Array("<a>\n  <b>".utf8) + [0xD6, 0xD0] + Array("</b></a>".utf8))
        #expect(gbk.kind == .encoding && gbk.line == 2 && gbk.column == 6, "\(gbk)")
        #expect(gbk.message.contains("0xD6"))
        let stray = try failure(Array("<a>中".utf8) + [0x80] + Array("</a>".utf8))
        #expect(stray.kind == .encoding && stray.line == 1 && stray.column == 5, "\(stray)")
        let surrogate = try failure(Array("<a>".utf8) + [0xED, 0xA0, 0x80] + Array("</a>".utf8))
        #expect(surrogate.kind == .encoding && surrogate.column == 4)
        let utf16 = try failure([0xFF, 0xFE, 0x3C, 0x00])
        #expect(utf16.kind == .encoding && utf16.message.contains("UTF-16"))
    }

    @Test("Nesting deeper than the limit is refused at the element that goes too deep")
    func depth() throws {
        let deep = String(repeating: "<x>", count: 65) + String(repeating: "</x>", count: 65)
        let error = try failure(deep)
        #expect(error.kind == .tooDeep && error.line == 1 && error.column == 193, "\(error)")
        let limit = String(repeating: "<x>", count: 64) + String(repeating: "</x>", count: 64)
        #expect(throws: Never.self) { try decode(limit) }
        #expect(try failure("<a><b><c/></b></a>", maximumDepth: 2).kind == .tooDeep)
    }

    @Test("Paths reach a single element and a repeated one alike")
    func singleOrRepeated() throws {
        let one = try decode("<T><S><c>1</c></S></T>")
        let two = try decode("<T><S><c>1</c></S><S><c>2</c></S></T>")
        #expect(PayloadPath("T.S[*].c")!.resolve(in: one, at: "$").map(\.path) == ["$.T.S.c"])
        #expect(PayloadPath("T.S[0].c")!.resolve(in: one, at: "$").map(\.path) == ["$.T.S.c"])
        #expect(PayloadPath("T.S[1].c")!.resolve(in: one, at: "$").isEmpty)
        #expect(PayloadPath("T.S[*].c")!.resolve(in: two, at: "$").map(\.path) == ["$.T.S[0].c", "$.T.S[1].c"])
    }

    @Test("Every truncation and many one-byte corruptions of a sample are refused cleanly or read, never a crash")
    func robustness() throws {
        let sample = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.root + "/Ops/samples/platforms/E4201000005/win-bid.xml")))
        #expect(throws: Never.self) { try XMLPayload.decode(sample) }
        // Every prefix that stops before the root's end tag is complete leaves something open.
        let rootEnd = try #require(sample.lastIndex(of: 0x3E)) + 1
        var refused = 0
        for length in 0..<sample.count {
            do { _ = try XMLPayload.decode(Array(sample[..<length])) } catch { refused += 1 }
        }
        #expect(refused == rootEnd)
        let replacements: [UInt8] = [0x3C, 0x3E, 0x26, 0x22, 0x2F, 0x5D, 0x2D, 0x3F, 0x21, 0x80, 0xFF, 0x00]
        for position in stride(from: 0, to: sample.count, by: 7) {
            for byte in replacements {
                var corrupted = sample
                corrupted[position] = byte
                _ = try? XMLPayload.decode(corrupted)
            }
        }
    }

    @Test("A generated document of a few MB parses quickly and completely")
    func size() throws {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenBidRecord>\n"
        let rows = 20_000
        for row in 0..<rows {
            text += "  <ProjectOpenBidList index=\"\(row)\">\n    <bidderName>示范建设集团第\(row)分公司 &amp; 联合体</bidderName>\n"
                + "    <bidAmount>\(row).50</bidAmount>\n    <remark><![CDATA[<无>]]></remark>\n  </ProjectOpenBidList>\n"
        }
        text += "</OpenBidRecord>\n"
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var value = JSONValue.null
        let elapsed = try clock.measure { value = try XMLPayload.decode(bytes) }
        guard case .array(let list)? = value.objectValue?["OpenBidRecord"]?.objectValue?["ProjectOpenBidList"] else {
            Issue.record("no list")
            return
        }
        #expect(list.count == rows)
        #expect(list.last?.objectValue?["bidderName"] == .string("示范建设集团第\(rows - 1)分公司 & 联合体"))
        let megabytes = Double(bytes.count) / 1_000_000
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("XML payload: \(String(format: "%.1f", megabytes)) MB in \(elapsed) (\(String(format: "%.1f", megabytes / seconds)) MB/s)")
        // Generous: debug builds on a busy machine still manage this by a wide margin.
        #expect(elapsed < .seconds(30))
    }
}
