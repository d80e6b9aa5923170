import ShuniuCore

/// A strict, small XML 1.0 reader for platform payloads: UTF-8 or GB 18030 (GBK) bytes in, a
/// `JSONValue` out, so that the mapping engine reads XML and JSON payloads with the same paths.
///
/// The document becomes `{"<Root>": …}`. An element with only text becomes a string (an empty
/// element `""`); an element with child elements becomes an object keyed by child name, repeated
/// siblings becoming an array in document order; attributes are `"@name"` keys; text beside child
/// elements is `"#text"` (trimmed, and only when not blank). An element with attributes and only
/// text is `{"@a": …, "#text": …}`.
///
/// Read: elements, attributes, text, CDATA, the five predefined entities and numeric character
/// references. Skipped: the XML declaration, comments, processing instructions. Refused: any
/// document type declaration (see `refuseDoctype`), bytes that are not in the payload's encoding,
/// a declared encoding other than UTF-8, GB 18030, GBK or GB 2312, nesting deeper than
/// `maximumDepth`.
public enum XMLPayload {
    /// Deep enough for any business object; shallow enough that recursion stays harmless.
    public static let defaultMaximumDepth = 64

    /// Reads a payload in the encoding its XML declaration names (UTF-8, GB 18030, GBK or
    /// GB 2312), else in `encoding` (the mapping file's), turning it into UTF-8 first when needed.
    public static func decode(
        _ bytes: [UInt8], encoding fallback: PayloadEncoding = .utf8, maximumDepth: Int = defaultMaximumDepth
    ) throws(XMLPayloadError) -> JSONValue {
        let encoding = try declaredEncoding(of: bytes) ?? fallback
        let text: [UInt8]
        do {
            text = try encoding.utf8(bytes)
        } catch {
            throw XMLPayloadError(kind: .encoding, line: error.line, column: error.column, message: error.message)
        }
        return try read(text, maximumDepth: maximumDepth) { reader in try reader.document() }
    }

    /// The encoding the XML declaration names, if there is a declaration and it names one. The
    /// declaration is ASCII in every encoding accepted, so it is read before anything is converted.
    static func declaredEncoding(of bytes: [UInt8]) throws(XMLPayloadError) -> PayloadEncoding? {
        guard let name = try read(bytes, maximumDepth: defaultMaximumDepth, { reader in try reader.declaredEncodingName() }) else {
            return nil
        }
        guard let encoding = PayloadEncoding(name: name.value) else {
            throw XMLPayloadError(kind: .encoding, line: 1, column: name.column,
                                  message: "the payload declares encoding '\(name.value)'; accepted: \(PayloadEncoding.names)")
        }
        return encoding
    }

    private static func read<Result>(
        _ bytes: [UInt8], maximumDepth: Int, _ body: (inout XMLByteReader) throws -> Result
    ) throws(XMLPayloadError) -> Result {
        do {
            // The reader only reads through the buffer pointer, which lives for this closure.
            return try bytes.withUnsafeBufferPointer { buffer in
                var reader = XMLByteReader(bytes: buffer, maximumDepth: maximumDepth)
                return try body(&reader)
            }
        } catch let error as XMLPayloadError {
            throw error
        } catch {
            throw XMLPayloadError(kind: .syntax, line: 1, column: 1, message: "\(error)")
        }
    }
}

/// The byte scanner behind `XMLPayload`. Works on validated UTF-8 bytes; line and column are worked
/// out only when an error is reported, so the common path is a plain byte loop.
private struct XMLByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    // MARK: Document

    /// The whole document, its bytes already UTF-8 (converted, when the declaration named another
    /// encoding).
    mutating func document() throws(XMLPayloadError) -> JSONValue {
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            throw error(.encoding, "the payload is UTF-16; only UTF-8 and GB 18030 (GBK) are accepted", at: 0)
        }
        try validateUTF8()
        _ = try declaredEncodingName()
        try skipMisc()
        guard position < bytes.count else { throw error(.syntax, "the payload has no root element", at: position) }
        guard bytes[position] == Byte.lt else { throw error(.syntax, "text before the root element", at: position) }
        let (name, value) = try element(depth: 1)
        try skipMisc()
        if position < bytes.count {
            throw error(.trailingContent, "content after the root element </\(name)>", at: position)
        }
        return .object([name: value])
    }

    /// Skips a UTF-8 byte order mark and the XML declaration, answering the encoding it names
    /// (with its column) if it names one.
    mutating func declaredEncodingName() throws(XMLPayloadError) -> (value: String, column: Int)? {
        if starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        guard starts(with: Literal.declaration), position + 5 < bytes.count, isWhitespace(bytes[position + 5]) else { return nil }
        return try declaration()
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`: only the version and the
    /// encoding matter.
    mutating func declaration() throws(XMLPayloadError) -> (value: String, column: Int)? {
        let start = position
        var encoding: (value: String, column: Int)?
        position += 5
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else { throw error(.unclosed, "the XML declaration is not closed with ?>", at: start) }
            if starts(with: Literal.piEnd) { position += 2; return encoding }
            guard hadSpace else { throw error(.syntax, "expected whitespace in the XML declaration", at: position) }
            let nameStart = position
            let name = try self.name()
            skipWhitespace()
            try expect(Byte.equals, "expected '=' after '\(name)' in the XML declaration")
            skipWhitespace()
            let value = try attributeValue()
            switch name {
            case "version":
                if !value.hasPrefix("1.") { throw error(.syntax, "XML version '\(value)' is not supported (1.x only)", at: nameStart) }
            case "encoding":
                encoding = (value, location(of: nameStart).column)
            case "standalone":
                break
            default:
                throw error(.syntax, "unknown pseudo-attribute '\(name)' in the XML declaration", at: nameStart)
            }
        }
    }

    /// Whitespace, comments and processing instructions around the root element.
    mutating func skipMisc() throws(XMLPayloadError) {
        while true {
            skipWhitespace()
            if starts(with: Literal.commentStart) {
                try comment()
            } else if starts(with: Literal.doctype) {
                try refuseDoctype()
            } else if starts(with: Literal.piStart) {
                try processingInstruction()
            } else {
                return
            }
        }
    }

    /// A DTD may declare entities: expanding them invites billion-laughs blow-ups and, with
    /// external entities, reading files or URLs on the hub's behalf (XXE). Platform payloads have
    /// no use for one, so any DOCTYPE is refused rather than parsed.
    func refuseDoctype() throws(XMLPayloadError) -> Never {
        throw error(.doctype, "a document type declaration (<!DOCTYPE …>) is not accepted: payloads may not carry a DTD or entity declarations", at: position)
    }

    // MARK: Elements

    /// An element starting at `<`: its name and its JSON value.
    mutating func element(depth: Int) throws(XMLPayloadError) -> (String, JSONValue) {
        let start = position
        guard depth <= maximumDepth else {
            throw error(.tooDeep, "elements are nested more than \(maximumDepth) deep", at: start)
        }
        position += 1
        let nameStart = position
        let name = try self.name()
        let nameEnd = position
        var attributes: [String: JSONValue] = [:]
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else { throw error(.unclosed, "the start tag <\(name)> is not closed with >", at: start) }
            let byte = bytes[position]
            if byte == Byte.slash {
                position += 1
                try expect(Byte.gt, "expected '>' after '/' in <\(name)/>")
                return (name, attributes.isEmpty ? .string("") : .object(attributes))
            }
            if byte == Byte.gt { position += 1; break }
            guard hadSpace else { throw error(.syntax, "expected whitespace, '>' or '/>' in the start tag <\(name)>", at: position) }
            let attributeStart = position
            let attribute = try self.name()
            skipWhitespace()
            try expect(Byte.equals, "expected '=' after the attribute '\(attribute)' of <\(name)>")
            skipWhitespace()
            let value = try attributeValue()
            guard attributes.updateValue(.string(value), forKey: "@" + attribute) == nil else {
                throw error(.syntax, "the attribute '\(attribute)' appears twice in <\(name)>", at: attributeStart)
            }
        }

        var text = TextBuffer()
        // Children go straight into the object; a name seen twice moves to `repeated`, appended
        // in place there rather than rebuilding an array value for every sibling.
        var object = attributes
        var repeated: [String: [JSONValue]] = [:]
        var hasChildren = false
        while true {
            guard position < bytes.count else {
                let (line, column) = location(of: start)
                throw error(.unclosed, "<\(name)> opened at line \(line), column \(column) is not closed", at: position)
            }
            let byte = bytes[position]
            if byte == Byte.lt {
                let next = position + 1 < bytes.count ? bytes[position + 1] : 0
                if next == Byte.slash {
                    let endTag = position
                    position += 2
                    let closeStart = position
                    let closing = try self.name()
                    if !sameBytes(nameStart..<nameEnd, closeStart..<position) {
                        let (line, column) = location(of: start)
                        throw error(.mismatchedTag, "</\(closing)> does not close <\(name)> (opened at line \(line), column \(column))", at: endTag)
                    }
                    skipWhitespace()
                    try expect(Byte.gt, "expected '>' to end </\(name)>")
                    break
                } else if next == Byte.bang {
                    if starts(with: Literal.commentStart) {
                        try comment()
                    } else if starts(with: Literal.cdataStart) {
                        try cdata(into: &text)
                    } else if starts(with: Literal.doctype) {
                        try refuseDoctype()
                    } else {
                        throw error(.syntax, "unexpected markup '<!' (only comments and CDATA sections)", at: position)
                    }
                } else if next == Byte.question {
                    try processingInstruction()
                } else {
                    // Indentation before the first child is trimmed anyway: drop it now, uncopied.
                    if !hasChildren && text.isBlank(in: bytes) { text = TextBuffer() }
                    let (childName, child) = try element(depth: depth + 1)
                    hasChildren = true
                    if repeated[childName] != nil {
                        repeated[childName, default: []].append(child)
                    } else if let first = object.removeValue(forKey: childName) {
                        repeated[childName] = [first, child]
                    } else {
                        object[childName] = child
                    }
                }
            } else if byte == Byte.amp {
                try reference(into: &text)
            } else {
                // Whitespace between children, before any text, is trimmed anyway: skip it uncopied.
                if hasChildren && text.isEmpty {
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] != Byte.lt, bytes[position] != Byte.amp else { continue }
                }
                try characterData(into: &text)
            }
        }

        if !hasChildren && attributes.isEmpty { return (name, .string(text.string(in: bytes))) }
        for (key, values) in repeated { object[key] = .array(values) }
        let content = hasChildren ? text.string(in: bytes).trimmingXMLWhitespace : text.string(in: bytes)
        if !content.isEmpty { object["#text"] = .string(content) }
        return (name, .object(object))
    }

    /// A run of text up to the next `<` or `&`; line ends normalized to LF as XML requires.
    mutating func characterData(into text: inout TextBuffer) throws(XMLPayloadError) {
        var start = position
        var index = position
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == Byte.lt || byte == Byte.amp { break }
            if byte == Byte.cr {
                text.append(start..<index, from: bytes)
                text.appendByte(Byte.lf, from: bytes)
                index += (index + 1 < count && bytes[index + 1] == Byte.lf) ? 2 : 1
                start = index
                continue
            }
            if byte == Byte.rbracket, index + 2 < count, bytes[index + 1] == Byte.rbracket, bytes[index + 2] == Byte.gt {
                throw error(.syntax, "']]>' is not allowed in text (write ]]&gt;)", at: index)
            }
            index += 1
        }
        text.append(start..<index, from: bytes)
        position = index
    }

    /// `<![CDATA[ … ]]>`: taken as it is, line ends normalized.
    mutating func cdata(into text: inout TextBuffer) throws(XMLPayloadError) {
        let start = position
        position += Literal.cdataStart.count
        guard let end = find(Literal.cdataEnd, from: position) else { throw error(.unclosed, "the CDATA section is not closed with ]]>", at: start) }
        var runStart = position
        var index = position
        while index < end {
            if bytes[index] == Byte.cr {
                text.append(runStart..<index, from: bytes)
                text.appendByte(Byte.lf, from: bytes)
                index += (index + 1 < end && bytes[index + 1] == Byte.lf) ? 2 : 1
                runStart = index
            } else {
                index += 1
            }
        }
        text.append(runStart..<end, from: bytes)
        position = end + Literal.cdataEnd.count
    }

    /// `<!-- … -->`; `--` inside is not allowed by XML.
    mutating func comment() throws(XMLPayloadError) {
        let start = position
        position += Literal.commentStart.count
        guard let dashes = find([Byte.dash, Byte.dash], from: position) else { throw error(.unclosed, "the comment is not closed with -->", at: start) }
        guard dashes + 2 < bytes.count, bytes[dashes + 2] == Byte.gt else {
            throw error(.syntax, "'--' is not allowed inside a comment", at: dashes)
        }
        position = dashes + 3
    }

    /// `<?target …?>`, skipped; `<?xml` is only allowed as the very first thing.
    mutating func processingInstruction() throws(XMLPayloadError) {
        let start = position
        position += 2
        let target = try name()
        if target.lowercased() == "xml" {
            throw error(.syntax, "the XML declaration is only allowed at the very start of the payload", at: start)
        }
        guard let end = find(Literal.piEnd, from: position) else { throw error(.unclosed, "the processing instruction is not closed with ?>", at: start) }
        position = end + 2
    }

    // MARK: Names, attribute values, references

    /// An XML name. ASCII is checked exactly; any non-ASCII character is accepted (Chinese element
    /// names occur, and the bytes are already known to be UTF-8).
    mutating func name() throws(XMLPayloadError) -> String {
        let start = position
        guard position < bytes.count, Self.isNameStart(bytes[position]) else {
            throw error(position < bytes.count ? .syntax : .unclosed, "expected a name", at: position)
        }
        position += 1
        while position < bytes.count, Self.isNameCharacter(bytes[position]) { position += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// A quoted value; `<` is not allowed, references are expanded, literal whitespace becomes a
    /// space (XML's attribute-value normalization).
    mutating func attributeValue() throws(XMLPayloadError) -> String {
        guard position < bytes.count, bytes[position] == Byte.quote || bytes[position] == Byte.apostrophe else {
            throw error(.syntax, "expected a quoted value", at: position)
        }
        let quote = bytes[position]
        let start = position
        position += 1
        var text = TextBuffer()
        var runStart = position
        while true {
            guard position < bytes.count else { throw error(.unclosed, "the quoted value is not closed", at: start) }
            let byte = bytes[position]
            if byte == quote { break }
            switch byte {
            case Byte.lt:
                throw error(.syntax, "'<' is not allowed in an attribute value (write &lt;)", at: position)
            case Byte.amp:
                text.append(runStart..<position, from: bytes)
                try reference(into: &text)
                runStart = position
            case Byte.tab, Byte.lf, Byte.cr:
                text.append(runStart..<position, from: bytes)
                text.appendByte(Byte.space, from: bytes)
                position += (byte == Byte.cr && position + 1 < bytes.count && bytes[position + 1] == Byte.lf) ? 2 : 1
                runStart = position
            default:
                position += 1
            }
        }
        text.append(runStart..<position, from: bytes)
        position += 1
        return text.string(in: bytes)
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#NNN;` `&#xHHH;`; nothing else, since no DTD is read.
    mutating func reference(into text: inout TextBuffer) throws(XMLPayloadError) {
        let start = position
        var end = position + 1
        while end < bytes.count, end - start <= 32, bytes[end] != Byte.semicolon, bytes[end] != Byte.lt, !isWhitespace(bytes[end]) { end += 1 }
        guard end < bytes.count, bytes[end] == Byte.semicolon, end > start + 1 else {
            throw error(.entity, "'&' must start a reference such as &amp; (write a literal & as &amp;)", at: start)
        }
        let body = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end])
        let scalar: UInt32
        if body[0] == Byte.hash {
            let hex = body.count > 1 && body[1] == Byte.x
            let digits = body.dropFirst(hex ? 2 : 1)
            var value: UInt32 = 0
            var valid = !digits.isEmpty
            for digit in digits where valid {
                guard let number = Self.digitValue(digit, hex: hex), value <= 0x10FFFF else { valid = false; break }
                value = value * (hex ? 16 : 10) + number
            }
            guard valid, Self.isXMLCharacter(value) else {
                throw error(.entity, "'\(String(decoding: body, as: UTF8.self))' is not a legal character reference", at: start)
            }
            scalar = value
        } else {
            switch String(decoding: body, as: UTF8.self) {
            case "lt": scalar = 0x3C
            case "gt": scalar = 0x3E
            case "amp": scalar = 0x26
            case "quot": scalar = 0x22
            case "apos": scalar = 0x27
            case let other:
                throw error(.entity, "unknown entity '&\(other);': only &lt; &gt; &amp; &quot; &apos; and numeric references are allowed (no DTD is read)", at: start)
            }
        }
        text.appendScalar(scalar, from: bytes)
        position = end + 1
    }

    // MARK: UTF-8

    /// Checks the whole input once, so every later slice can be decoded without a second thought.
    /// Also refuses control characters, which XML 1.0 does not allow anywhere.
    func validateUTF8() throws(XMLPayloadError) {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead < 0x20 && lead != Byte.tab && lead != Byte.lf && lead != Byte.cr {
                    throw error(.syntax, "control character U+\(Self.hex(UInt32(lead))) is not allowed in XML", at: index)
                }
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F          // no UTF-16 surrogates
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F          // nothing past U+10FFFF
            default: throw notUTF8(at: index)
            }
            guard index + length <= count, (lower...upper).contains(bytes[index + 1]) else { throw notUTF8(at: index) }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { throw notUTF8(at: index) }
            // U+FFFE and U+FFFF are not XML characters.
            if lead == 0xEF, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                throw error(.syntax, "U+FFF\(bytes[index + 2] == 0xBE ? "E" : "F") is not allowed in XML", at: index)
            }
            index += length
        }
    }

    func notUTF8(at index: Int) -> XMLPayloadError {
        error(.encoding, "byte 0x\(Self.hex(UInt32(bytes[index]), width: 2)) is not UTF-8: a payload in GBK declares it (<?xml version=\"1.0\" encoding=\"GBK\"?>), or its platform's mapping file says 'encoding: gb18030'", at: index)
    }

    // MARK: Helpers

    /// 1-based line and column (in characters) of a byte offset; CR LF, CR and LF each end a line.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == Byte.lf || (byte == Byte.cr && !(index + 1 < bytes.count && bytes[index + 1] == Byte.lf)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != Byte.cr {
                column += 1
            }
            index += 1
        }
        // A UTF-8 BOM is not a character anyone sees.
        if line == 1, offset >= 3, starts(with: [0xEF, 0xBB, 0xBF], at: 0) { column -= 1 }
        return (line, column)
    }

    func error(_ kind: XMLPayloadError.Kind, _ message: String, at offset: Int) -> XMLPayloadError {
        let (line, column) = location(of: offset)
        return XMLPayloadError(kind: kind, line: line, column: column, message: message)
    }

    mutating func expect(_ byte: UInt8, _ message: String) throws(XMLPayloadError) {
        guard position < bytes.count else { throw error(.unclosed, message, at: position) }
        guard bytes[position] == byte else { throw error(.syntax, message, at: position) }
        position += 1
    }

    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, isWhitespace(bytes[position]) { position += 1 }
        return position > start
    }

    func isWhitespace(_ byte: UInt8) -> Bool {
        byte == Byte.space || byte == Byte.lf || byte == Byte.tab || byte == Byte.cr
    }

    func starts(with literal: [UInt8], at offset: Int? = nil) -> Bool {
        let from = offset ?? position
        guard from + literal.count <= bytes.count else { return false }
        for (index, byte) in literal.enumerated() where bytes[from + index] != byte { return false }
        return true
    }

    /// The first offset at or after `from` where `literal` starts.
    func find(_ literal: [UInt8], from: Int) -> Int? {
        guard let first = literal.first else { return from }
        var index = from
        while index + literal.count <= bytes.count {
            if bytes[index] == first, starts(with: literal, at: index) { return index }
            index += 1
        }
        return nil
    }

    func sameBytes(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for offset in 0..<lhs.count where bytes[lhs.lowerBound + offset] != bytes[rhs.lowerBound + offset] { return false }
        return true
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte == 0x3A || byte >= 0x80
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == Byte.dash || byte == 0x2E
    }

    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x61...0x66 where hex: UInt32(byte - 0x61 + 10)
        case 0x41...0x46 where hex: UInt32(byte - 0x41 + 10)
        default: nil
        }
    }

    static func hex(_ value: UInt32, width: Int = 4) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// The text of one element or attribute value. Most are one run of the input, kept as a range so
/// that nothing is copied until the string is made; a second run or a reference switches to bytes.
private struct TextBuffer {
    var range: Range<Int>?
    var copied: [UInt8]?

    mutating func append(_ run: Range<Int>, from bytes: UnsafeBufferPointer<UInt8>) {
        guard !run.isEmpty else { return }
        if copied == nil, range == nil { range = run; return }
        if copied == nil, let current = range, current.upperBound == run.lowerBound { range = current.lowerBound..<run.upperBound; return }
        materialize(from: bytes)
        copied?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run]))
    }

    mutating func appendByte(_ byte: UInt8, from bytes: UnsafeBufferPointer<UInt8>) {
        materialize(from: bytes)
        copied?.append(byte)
    }

    mutating func appendScalar(_ value: UInt32, from bytes: UnsafeBufferPointer<UInt8>) {
        guard let scalar = Unicode.Scalar(value) else { return }
        materialize(from: bytes)
        UTF8.encode(scalar) { copied?.append($0) }
    }

    var isEmpty: Bool { range == nil && (copied?.isEmpty ?? true) }

    /// Nothing but XML whitespace so far.
    func isBlank(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == Byte.space || $0 == Byte.lf || $0 == Byte.tab || $0 == Byte.cr }
        if let copied { return copied.allSatisfy(isSpace) }
        if let range { return UnsafeBufferPointer(rebasing: bytes[range]).allSatisfy(isSpace) }
        return true
    }

    private mutating func materialize(from bytes: UnsafeBufferPointer<UInt8>) {
        guard copied == nil else { return }
        copied = range.map { Array(UnsafeBufferPointer(rebasing: bytes[$0])) } ?? []
        range = nil
    }

    func string(in bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let copied { return String(decoding: copied, as: UTF8.self) }
        if let range { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        return ""
    }
}

private enum Byte {
    static let tab: UInt8 = 0x09, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, space: UInt8 = 0x20
    static let bang: UInt8 = 0x21, quote: UInt8 = 0x22, hash: UInt8 = 0x23, amp: UInt8 = 0x26, apostrophe: UInt8 = 0x27
    static let dash: UInt8 = 0x2D, slash: UInt8 = 0x2F, semicolon: UInt8 = 0x3B, lt: UInt8 = 0x3C, equals: UInt8 = 0x3D
    static let gt: UInt8 = 0x3E, question: UInt8 = 0x3F, rbracket: UInt8 = 0x5D, x: UInt8 = 0x78
}

private enum Literal {
    static let declaration = Array("<?xml".utf8)
    static let piStart = Array("<?".utf8)
    static let piEnd = Array("?>".utf8)
    static let commentStart = Array("<!--".utf8)
    static let cdataStart = Array("<![CDATA[".utf8)
    static let cdataEnd = Array("]]>".utf8)
    static let doctype = Array("<!DOCTYPE".utf8)
}

private extension String {
    /// Without leading and trailing XML whitespace (space, tab, CR, LF), not every Unicode space.
    var trimmingXMLWhitespace: String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
