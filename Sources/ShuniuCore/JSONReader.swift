/// Reads untrusted JSON (RFC 8259) into a ``JSONValue``, strictly and in time linear in its size.
///
/// Stricter than Foundation's decoders, on purpose:
/// - the text must be UTF-8 (a UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 are refused,
///   as are overlong forms, surrogates and bytes that are no UTF-8 at all);
/// - an object may not name a member twice (Foundation keeps one of them silently);
/// - containers may nest at most `maxDepth` deep, checked as the reader descends, so a deep body
///   is refused after reading only as far as the limit;
/// - every error says where: line, column (in characters) and byte offset.
///
/// Control characters that arrive escaped (`\u0000`) are kept: whether a value may hold them is
/// the spec's question, answered by field validation with the field's path and label.
public struct JSONReader: Sendable {
    /// How deep objects and arrays may nest: `{"a": [1]}` is depth 2.
    public var maxDepth: Int

    public init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    /// Parses one JSON value filling the whole text (white space around it allowed).
    public func read(_ bytes: [UInt8]) throws(JSONReadError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONReadError) -> JSONValue in
            var parser = Parser(bytes: buffer, maxDepth: maxDepth)
            return try parser.document()
        }
    }
}

/// Why a text is not acceptable JSON, and where.
public struct JSONReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of fault: callers answer each with its own stable code.
    public enum Kind: String, Sendable, Hashable {
        /// Not JSON: a stray character, an unclosed string, a bad escape or number.
        case syntax
        /// Not UTF-8: another encoding, or invalid bytes.
        case notUTF8
        /// An object names the same member twice.
        case duplicateKey
        /// Objects and arrays nest deeper than allowed.
        case tooDeep
    }

    public var kind: Kind
    public var reason: String
    public var line: Int
    public var column: Int
    public var offset: Int

    public var description: String { "line \(line), column \(column): \(reason)" }
}

extension JSONReader {
    /// The reader's state over one text. The buffer is borrowed from `read` for the parse only.
    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var position = 0
        var depth = 0
        /// Reused for strings with escapes.
        var scratch: [UInt8] = []

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        mutating func document() throws(JSONReadError) -> JSONValue {
            try checkEncoding()
            skipWhitespace()
            let value = try readValue()
            skipWhitespace()
            guard position == bytes.count else { throw fail(.syntax, "unexpected \(describe(position)) after the JSON value") }
            return value
        }

        /// A UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 (with or without a mark: they put
        /// NUL bytes beside ASCII) are named as what they are.
        mutating func checkEncoding() throws(JSONReadError) {
            let count = bytes.count
            if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3; return }
            if count >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)) {
                throw fail(.notUTF8, "the text starts with a UTF-16 or UTF-32 byte-order mark; send UTF-8")
            }
            if count >= 2 && (bytes[0] == 0 || bytes[1] == 0) {
                throw fail(.notUTF8, "the text has NUL bytes, as UTF-16 or UTF-32 has; send UTF-8")
            }
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func readValue() throws(JSONReadError) -> JSONValue {
            guard position < bytes.count else { throw fail(.syntax, "the text ends where a value was expected") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try readObject()
            case UInt8(ascii: "["): return try readArray()
            case UInt8(ascii: "\""): return .string(try readString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
            default: throw fail(.syntax, "unexpected \(describe(position)) where a value was expected")
            }
        }

        mutating func enter() throws(JSONReadError) {
            depth += 1
            guard depth <= maxDepth else {
                throw fail(.tooDeep, "objects and arrays nest deeper than \(maxDepth) levels")
            }
        }

        mutating func readObject() throws(JSONReadError) -> JSONValue {
            try enter()
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
                position += 1
                depth -= 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw fail(.syntax, "expected a member name in quotes, found \(describe(position))")
                }
                let nameStart = position
                let name = try readString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw fail(.syntax, "expected ':' after member name \"\(Self.shortened(name))\", found \(describe(position))")
                }
                position += 1
                skipWhitespace()
                let value = try readValue()
                guard members.updateValue(value, forKey: name) == nil else {
                    position = nameStart
                    throw fail(.duplicateKey, "the object names member \"\(Self.shortened(name))\" twice")
                }
                skipWhitespace()
                guard position < bytes.count else { throw fail(.syntax, "the text ends inside an object") }
                switch bytes[position] {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    depth -= 1
                    return .object(members)
                default: throw fail(.syntax, "expected ',' or '}' in an object, found \(describe(position))")
                }
            }
        }

        mutating func readArray() throws(JSONReadError) -> JSONValue {
            try enter()
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
                position += 1
                depth -= 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try readValue())
                skipWhitespace()
                guard position < bytes.count else { throw fail(.syntax, "the text ends inside an array") }
                switch bytes[position] {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    depth -= 1
                    return .array(elements)
                default: throw fail(.syntax, "expected ',' or ']' in an array, found \(describe(position))")
                }
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONReadError) {
            let length = word.utf8CodeUnitCount
            guard position + length <= bytes.count else { throw fail(.syntax, "unexpected \(describe(position)) where a value was expected") }
            for index in 0..<length where bytes[position + index] != word.utf8Start[index] {
                throw fail(.syntax, "unexpected \(describe(position)) where a value was expected")
            }
            position += length
        }

        /// A string; `position` is at its opening quote. Unescaped text is taken whole; escapes
        /// are decoded into `scratch`. Either way the result is validated as UTF-8.
        mutating func readString() throws(JSONReadError) -> String {
            let start = position + 1
            var cursor = start
            while cursor < bytes.count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: "\"") {
                    position = cursor + 1
                    return try text(UnsafeBufferPointer(rebasing: bytes[start..<cursor]), at: start)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 {
                    position = cursor
                    throw fail(.syntax, "a string holds a raw control character (U+\(Self.hex(UInt32(byte)))); escape it")
                }
                cursor += 1
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<cursor]))
            position = cursor
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    let decoded = scratch
                    return try decoded.withUnsafeBufferPointer { (buffer) throws(JSONReadError) -> String in try text(buffer, at: start) }
                case UInt8(ascii: "\\"):
                    try readEscape()
                case 0..<0x20:
                    throw fail(.syntax, "a string holds a raw control character (U+\(Self.hex(UInt32(byte)))); escape it")
                default:
                    scratch.append(byte)
                    position += 1
                }
            }
            throw fail(.syntax, "the text ends inside a string")
        }

        /// One escape after a backslash, appended to `scratch` as UTF-8.
        mutating func readEscape() throws(JSONReadError) {
            guard position + 1 < bytes.count else { throw fail(.syntax, "the text ends inside a string") }
            let letter = bytes[position + 1]
            position += 2
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hexQuad()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw fail(.notUTF8, "\\u\(Self.hex(scalar)) is half of a surrogate pair, and its other half is missing")
                    }
                    position += 2
                    let low = try hexQuad()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw fail(.notUTF8, "\\u\(Self.hex(scalar)) is not followed by the low half of a surrogate pair")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail(.notUTF8, "\\u\(Self.hex(scalar)) is a lone low surrogate")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail(.notUTF8, "\\u\(Self.hex(scalar)) is not a character") }
                scratch.append(contentsOf: UTF8.encode(unicode)!)
            default:
                position -= 1
                throw fail(.syntax, "\\\(describe(position)) is not a JSON escape")
            }
        }

        mutating func hexQuad() throws(JSONReadError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail(.syntax, "the text ends inside a \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail(.syntax, "a \\u escape needs four hex digits, found \(describe(position))")
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        func text(_ utf8: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONReadError) -> String {
            guard let string = String(validating: utf8, as: UTF8.self) else {
                let bad = start + Self.firstInvalidUTF8(utf8)
                throw JSONReadError(kind: .notUTF8, reason: "the string holds bytes that are not UTF-8", line: location(of: bad).line, column: location(of: bad).column, offset: bad)
            }
            return string
        }

        /// Where in `utf8` its first invalid sequence starts (for the error's location).
        static func firstInvalidUTF8(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
            var iterator = utf8.makeIterator()
            var decoder = UTF8()
            var offset = 0
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): offset += UTF8.width(scalar)
                case .emptyInput, .error: return offset
                }
            }
        }

        mutating func readNumber() throws(JSONReadError) -> Double {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.syntax, "a number needs a digit after '-'") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if position < bytes.count && isDigit(bytes[position]) { throw fail(.syntax, "a number may not start with 0 followed by digits") }
            } else {
                while position < bytes.count && isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.syntax, "a number needs digits after '.'") }
                while position < bytes.count && isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
                position += 1
                if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) { position += 1 }
                guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.syntax, "a number needs digits in its exponent") }
                while position < bytes.count && isDigit(bytes[position]) { position += 1 }
            }
            // The grammar above admits only ASCII digits, signs, '.' and 'e': Double's parser reads them.
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let value = Double(literal), value.isFinite else {
                position = start
                throw fail(.syntax, "the number \(Self.shortened(literal)) is out of range")
            }
            return value
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        /// The character at `offset`, as an error message names it.
        func describe(_ offset: Int) -> String {
            guard offset < bytes.count else { return "the end of the text" }
            let byte = bytes[offset]
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }

        func fail(_ kind: JSONReadError.Kind, _ reason: String) -> JSONReadError {
            let (line, column) = location(of: position)
            return JSONReadError(kind: kind, reason: reason, line: line, column: column, offset: position)
        }

        /// Line and column (counted in characters, from 1) of a byte offset.
        func location(of offset: Int) -> (line: Int, column: Int) {
            var line = 1
            var column = 1
            for index in 0..<min(offset, bytes.count) {
                let byte = bytes[index]
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return (line, column)
        }

        static func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        /// A name or literal cut to a length fit for a message: the body's size must not become the answer's.
        static func shortened(_ text: String) -> String {
            text.count <= 64 ? text : String(text.prefix(64)) + "…"
        }
    }
}
