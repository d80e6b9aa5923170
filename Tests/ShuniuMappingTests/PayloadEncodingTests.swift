import Foundation
import ShuniuCore
import Testing
@testable import ShuniuMapping

/// Payloads in GBK (read as GB 18030, which contains it) become the same values as in UTF-8;
/// bytes that are in neither are refused where they are.
@Suite("Payload encodings")
struct PayloadEncodingTests {
    /// "中文" in GBK.
    static let zhongwen: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4]

    func xml(declaring encoding: String?, body: [UInt8]) -> [UInt8] {
        let declaration = encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>\n" } ?? ""
        return Array(declaration.utf8) + Array("<a>\n  <b>".utf8) + body + Array("</b>\n</a>".utf8)
    }

    @Test("An XML payload declared GBK, GB2312, GB18030 or CP936, in any case, reads as its UTF-8 twin", arguments: ["GBK", "gb2312", "GB18030", "cp936"])
    func declaredGB(name: String) throws {
        let value = try XMLPayload.decode(xml(declaring: name, body: Self.zhongwen))
        #expect(value == .object(["a": .object(["b": .string("中文")])]))
    }

    @Test("GB 18030's four-byte characters read too: U+20000 and the euro sign")
    func fourByteCharacters() throws {
        // 𠀀 (U+20000) is 95 32 82 36; € (U+20AC) is A2 E3.
        let value = try XMLPayload.decode(xml(declaring: "GB18030", body: [0x95, 0x32, 0x82, 0x36, 0xA2, 0xE3]))
        #expect(value == .object(["a": .object(["b": .string("\u{20000}€")])]))
    }

    @Test("With no declaration the mapping's encoding decides; a declaration wins over it")
    func declarationWins() throws {
        let undeclared = xml(declaring: nil, body: Self.zhongwen)
        #expect(try XMLPayload.decode(undeclared, encoding: .gb18030) == .object(["a": .object(["b": .string("中文")])]))
        let refused = try #require(throws: XMLPayloadError.self) { try XMLPayload.decode(undeclared) }
        #expect(refused.kind == .encoding && refused.line == 2 && refused.column == 6, "\(refused)")
        #expect(refused.message.contains("encoding: gb18030"), "the refusal says how to fix it: \(refused)")
        // A payload declared UTF-8 is UTF-8, whatever the mapping says.
        let utf8 = xml(declaring: "UTF-8", body: Array("中文".utf8))
        #expect(try XMLPayload.decode(utf8, encoding: .gb18030) == .object(["a": .object(["b": .string("中文")])]))
    }

    @Test("Bytes that are not GB 18030 are refused at their line and column; so is a payload cut inside a character")
    func badGB() throws {
        let bad = try #require(throws: XMLPayloadError.self) {
            try XMLPayload.decode(xml(declaring: "GBK", body: [0xD6, 0xD0, 0xFF, 0xCE, 0xC4]))
        }
        #expect(bad.kind == .encoding && bad.line == 3 && bad.column == 7, "\(bad)")
        #expect(bad.message.contains("0xFF is not GB 18030"), "\(bad)")
        let cut = try #require(throws: XMLPayloadError.self) {
            try XMLPayload.decode(Array("<?xml version=\"1.0\" encoding=\"GBK\"?><a>".utf8) + [0xD6])
        }
        #expect(cut.kind == .encoding && cut.message.contains("ends inside a GB 18030 character"), "\(cut)")
        // Markup mistakes after conversion keep their place in the original text.
        let unclosed = try #require(throws: XMLPayloadError.self) {
            try XMLPayload.decode(Array("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<a>".utf8) + Self.zhongwen + Array("</b>".utf8))
        }
        #expect(unclosed.kind == .mismatchedTag && unclosed.line == 2 && unclosed.column == 6, "\(unclosed)")
    }

    @Test("A JSON payload in GBK reads when its mapping says gb18030, and is refused at its place when not")
    func gbkJSON() throws {
        let payload = Array("{\n  \"name\": \"".utf8) + Self.zhongwen + Array("\"\n}".utf8)
        #expect(try PayloadFormat.json.decode(payload, encoding: .gb18030) == .object(["name": .string("中文")]))
        let broken = Array("{\"a\": \"".utf8) + [0xD6, 0x7F] + Array("\"}".utf8)
        let error = try #require(throws: PayloadSyntaxError.self) { try PayloadFormat.json.decode(broken, encoding: .gb18030) }
        #expect(error.problem.code == .mappingPayloadSyntax)
        #expect(error.problem.message.contains("line 1, column 8") && error.problem.message.contains("0xD6"), "\(error)")
        #expect(throws: PayloadSyntaxError.self) { try PayloadFormat.json.decode(payload) }
    }
}
