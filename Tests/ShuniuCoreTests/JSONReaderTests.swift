import Foundation
import ShuniuCore
import Testing

/// The strict JSON reader: what it takes, what it refuses and where it says the fault is.
@Suite("JSON reader")
struct JSONReaderTests {
    let reader = JSONReader(maxDepth: 8)

    func read(_ text: String) throws -> JSONValue {
        try reader.read(Array(text.utf8))
    }

    func fault(_ bytes: [UInt8], depth: Int = 8) -> JSONReadError? {
        do {
            _ = try JSONReader(maxDepth: depth).read(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("Reads every JSON type as Foundation does")
    func agreesWithFoundation() throws {
        let text = #" {"s": "中文\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "n": -12.5e3, "z": 0, "i": 35800000, "t": true, "f": false, "nil": null, "a": [1, [], {}], "o": {"k": "v"}} "#
        let ours = try read(text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
        #expect(ours.objectValue?["s"] == .string("中文\"\\/\u{8}\u{C}\n\r\té😀"))
    }

    @Test("A UTF-8 byte-order mark is skipped; escaped control characters are kept for the validator to judge")
    func markAndEscapes() throws {
        #expect(try reader.read([0xEF, 0xBB, 0xBF] + Array(#"{"a": "b"}"#.utf8)) == .object(["a": .string("b")]))
        #expect(try read(#"["E4201000001000001\u0000"]"#) == .array([.string("E4201000001000001\u{0}")]))
    }

    @Test("Refusals name their kind and place", arguments: [
        (#"{"a": 1, "a": 2}"#, JSONReadError.Kind.duplicateKey, 1, 10),
        ("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 1}}", .duplicateKey, 2, 16),
        (#"{"a": "x"#, .syntax, 1, 9),
        (#"{"a": 01}"#, .syntax, 1, 8),
        (#"{"a": 1,}"#, .syntax, 1, 9),
        (#"[1] [2]"#, .syntax, 1, 5),
        (#"["\x"]"#, .syntax, 1, 4),
        (#"["\ud800"]"#, .notUTF8, 1, 9),
        (#"["\udc00"]"#, .notUTF8, 1, 9),
        ("[\"a\u{1}\"]", .syntax, 1, 4),
        (#"[1e999]"#, .syntax, 1, 2),
        ("[[[[[[[[[1]]]]]]]]]", .tooDeep, 1, 9),
    ])
    func refusals(text: String, kind: JSONReadError.Kind, line: Int, column: Int) throws {
        let error = try #require(fault(Array(text.utf8)))
        #expect(error.kind == kind, "\(error)")
        #expect(error.line == line && error.column == column, "\(error)")
    }

    @Test("Text that is not UTF-8 is refused: UTF-16 with or without a mark, Latin-1 and GBK bytes, overlong forms, encoded surrogates")
    func notUTF8() throws {
        let utf16 = Array(#"{"a": "b"}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        for bytes in [[0xFF, 0xFE] + utf16, utf16, [0xFE, 0xFF, 0x00, 0x7B], Array(#"["caf"#.utf8) + [0xE9] + Array(#""]"#.utf8),
                      Array(#"[""#.utf8) + [0xD6, 0xD0] + Array(#""]"#.utf8), Array(#"[""#.utf8) + [0xC0, 0xAF] + Array(#""]"#.utf8),
                      Array(#"[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8)] {
            #expect(fault(bytes)?.kind == .notUTF8, "\(bytes)")
        }
    }

    @Test("Depth is counted as the reader descends: exactly the limit is read, one more is refused")
    func depthLimit() throws {
        let atLimit = String(repeating: "[", count: 8) + String(repeating: "]", count: 8)
        #expect(fault(Array(atLimit.utf8)) == nil)
        let past = String(repeating: "[", count: 9) + String(repeating: "]", count: 9)
        #expect(fault(Array(past.utf8))?.kind == .tooDeep)
        // A million brackets are refused at the ninth: nothing past it is read.
        let hostile = Array(repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(fault(hostile)?.offset == 8)
    }

    @Test("A long member name or number is cut short in the message: the body's size never becomes the answer's")
    func boundedMessages() throws {
        let name = String(repeating: "k", count: 100_000)
        let error = try #require(fault(Array("{\"\(name)\": 1, \"\(name)\": 2}".utf8)))
        #expect(error.kind == .duplicateKey)
        #expect(error.description.count < 200)
    }
}
