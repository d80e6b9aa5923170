import ShuniuCore
import Testing

@Suite("Canonical JSON text for content hashes")
struct CanonicalJSONTests {
    @Test("Keys sort by code point, whatever order they came in")
    func sortedKeys() {
        let value = JSONValue.object(["b": .string("2"), "a": .number(1), "中": .null, "Z": .bool(true)])
        #expect(value.canonicalText == #"{"Z":true,"a":1,"b":"2","中":null}"#)
    }

    @Test("Strings are escaped minimally; non-ASCII stays as it is")
    func escaping() {
        #expect(JSONValue.string("a\"b\\c\nd\u{01}项目").canonicalText == #""a\"b\\c\nd\u0001项目""#)
    }

    @Test("Numbers: whole ones without a fraction, others shortest")
    func numbers() {
        #expect(JSONValue.array([.number(540), .number(-3), .number(0.5), .number(1e20)]).canonicalText == "[540,-3,0.5,1e+20]")
    }

    @Test("The text parses back to the same value")
    func roundTrip() throws {
        let value = JSONValue.object(["records": .array([.object(["dataset": .string("500"), "data": .object(["X": .string("\t值")])])])])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalText.utf8))
        #expect(decoded == value)
    }
}

import Foundation

@Suite("Trimming white space")
struct TrimmingTests {
    @Test("Leading and trailing white space goes, full-width space included; inner space stays", arguments: [
        ("  项目 名称\t\n", "项目 名称"), ("\u{3000}全角\u{3000}", "全角"), ("none", "none"), ("   ", ""), ("", ""),
    ])
    func trimmed(input: String, expected: String) {
        #expect(input.trimmedWhitespace == expected)
    }
}
