import Foundation

/// A strict, small XML 1.0 reader that keeps elements in document order, for checking documents
/// against a schema where order matters (the national CEB objects). The mapping engine's reader
/// makes JSON of a payload and so forgets the order; this one does not.
///
/// Bytes in: UTF-8, or GB 18030 (and its subsets GBK and GB 2312) when the XML declaration says so.
/// Read: elements, attributes, text, CDATA, the five predefined entities and numeric character
/// references. Skipped: the XML declaration, comments, processing instructions. Refused: any
/// document type declaration (a DTD may declare entities: expansion blow-ups, and external entities
/// that read files or URLs), a declared encoding other than those above, bytes not in the encoding,
/// nesting deeper than `maximumDepth`, and anything after the root element.
public enum OrderedXMLReader {
    /// Business objects are two or three levels deep; a bound keeps recursion harmless.
    public static let defaultMaximumDepth = 32

    /// The encodings an XML declaration may name, case-insensitively.
    static let gb18030Names: Set<String> = ["gb18030", "gbk", "gb2312", "cp936"]
    static let utf8Names: Set<String> = ["utf-8", "utf8"]

    /// GB 18030 as Foundation names it: CoreFoundation's kCFStringEncodingGB_18030_2000 (0x0632)
    /// seen as a `String.Encoding`, which Foundation decodes on Linux as on Darwin.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The document's root element.
    public static func read(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(OrderedXMLError) -> OrderedXMLElement {
        var scanner = XMLScanner(bytes: try utf8(bytes), maximumDepth: maximumDepth)
        return try scanner.document()
    }

    /// The document as UTF-8 bytes, converted from GB 18030 when its declaration names it.
    static func utf8(_ bytes: [UInt8]) throws(OrderedXMLError) -> [UInt8] {
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            throw OrderedXMLError(line: 1, column: 1, message: "the document is UTF-16; only UTF-8 and GB 18030 (GBK) are accepted")
        }
        let declared = declaredEncoding(bytes)?.lowercased()
        if let declared, gb18030Names.contains(declared) {
            guard let text = String(data: Data(bytes), encoding: gb18030) else {
                throw OrderedXMLError(line: 1, column: 1, message: "the document declares encoding '\(declared)' but its bytes are not GB 18030")
            }
            return Array(text.utf8)
        }
        if let declared, !utf8Names.contains(declared) {
            throw OrderedXMLError(line: 1, column: 1, message: "the document declares encoding '\(declared)'; accepted: UTF-8, GB18030, GBK, GB2312")
        }
        try validateUTF8(bytes)
        return bytes
    }

    /// The `encoding` of an XML declaration at the very start (after a UTF-8 byte order mark).
    /// The declaration is ASCII in every encoding accepted, so it is read before any conversion.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let head = bytes[start...].prefix(256)
        guard head.starts(with: Array("<?xml".utf8)), let end = head.firstRange(of: Array("?>".utf8)),
              let declaration = String(bytes: head[head.startIndex..<end.lowerBound], encoding: .ascii) else { return nil }
        guard let name = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[name.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// Refuses bytes that are not UTF-8, saying where the first one is.
    static func validateUTF8(_ bytes: [UInt8]) throws(OrderedXMLError) {
        guard String(validating: bytes, as: UTF8.self) == nil else { return }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        var column = 1
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        throw OrderedXMLError(line: line, column: column, message: "the document is not UTF-8 (declare encoding=\"GB18030\" if it is GB 18030)")
    }
}

/// The byte scanner behind `OrderedXMLReader`, over UTF-8 bytes.
private struct XMLScanner {
    let bytes: [UInt8]
    let maximumDepth: Int
    var position = 0
    /// Where the line count was last taken: start tags come in order, so counting resumes there.
    var countedTo = 0
    var countedLine = 1

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func document() throws(OrderedXMLError) -> OrderedXMLElement {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if starts(with: "<?xml"), position + 5 < bytes.count, isWhitespace(bytes[position + 5]) {
            guard let end = find("?>", from: position) else { throw error("the XML declaration is not closed with ?>", at: position) }
            position = end + 2
        }
        try skipMisc()
        guard position < bytes.count else { throw error("the document has no root element", at: position) }
        guard bytes[position] == UInt8(ascii: "<") else { throw error("text before the root element", at: position) }
        let root = try element(depth: 1)
        try skipMisc()
        guard position == bytes.count else { throw error("content after the root element </\(root.name)>", at: position) }
        return root
    }

    /// Whitespace, comments and processing instructions around the root element.
    mutating func skipMisc() throws(OrderedXMLError) {
        while true {
            while position < bytes.count, isWhitespace(bytes[position]) { position += 1 }
            if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<!DOCTYPE") {
                throw doctype()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else {
                return
            }
        }
    }

    func doctype() -> OrderedXMLError {
        error("a document type declaration (<!DOCTYPE …>) is not accepted", at: position)
    }

    /// An element starting at `<`, with everything inside it.
    mutating func element(depth: Int) throws(OrderedXMLError) -> OrderedXMLElement {
        let start = position
        guard depth <= maximumDepth else { throw error("elements are nested more than \(maximumDepth) deep", at: start) }
        position += 1
        let name = try self.name()
        var element = OrderedXMLElement(name: name, line: line(of: start))
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else { throw error("the start tag <\(name)> is not closed with >", at: start) }
            if bytes[position] == UInt8(ascii: "/") {
                position += 1
                try expect(">", "expected '>' after '/' in <\(name)/>")
                return element
            }
            if bytes[position] == UInt8(ascii: ">") { position += 1; break }
            guard hadSpace else { throw error("expected whitespace, '>' or '/>' in the start tag <\(name)>", at: position) }
            let attributeStart = position
            let attribute = try self.name()
            skipWhitespace()
            try expect("=", "expected '=' after the attribute '\(attribute)' of <\(name)>")
            skipWhitespace()
            let value = try quotedValue()
            if element.attributes.contains(where: { $0.name == attribute }) {
                throw error("the attribute '\(attribute)' appears twice in <\(name)>", at: attributeStart)
            }
            element.attributes.append(.init(name: attribute, value: value))
        }

        var text: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("<\(name)> opened at line \(element.line) is not closed", at: position) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") {
                if starts(with: "</") {
                    let endTag = position
                    position += 2
                    let closing = try self.name()
                    guard closing == name else { throw error("</\(closing)> does not close <\(name)> (opened at line \(element.line))", at: endTag) }
                    skipWhitespace()
                    try expect(">", "expected '>' to end </\(name)>")
                    break
                } else if starts(with: "<!--") {
                    try comment()
                } else if starts(with: "<![CDATA[") {
                    let cdataStart = position
                    guard let end = find("]]>", from: position + 9) else { throw error("the CDATA section is not closed with ]]>", at: cdataStart) }
                    appendNormalizingLineEnds(bytes[(position + 9)..<end], to: &text)
                    position = end + 3
                } else if starts(with: "<!DOCTYPE") {
                    throw doctype()
                } else if starts(with: "<!") {
                    throw error("unexpected markup '<!' (only comments and CDATA sections)", at: position)
                } else if starts(with: "<?") {
                    try processingInstruction()
                } else {
                    element.children.append(try self.element(depth: depth + 1))
                }
            } else if byte == UInt8(ascii: "&") {
                text += try reference()
            } else {
                let runStart = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<"), bytes[position] != UInt8(ascii: "&") {
                    if starts(with: "]]>") { throw error("']]>' is not allowed in text (write ]]&gt;)", at: position) }
                    position += 1
                }
                appendNormalizingLineEnds(bytes[runStart..<position], to: &text)
            }
        }
        element.text = String(decoding: text, as: UTF8.self)
        return element
    }

    /// XML reads CR LF and a lone CR as LF.
    func appendNormalizingLineEnds(_ run: ArraySlice<UInt8>, to text: inout [UInt8]) {
        var previousCR = false
        for byte in run {
            if byte == 0x0D {
                text.append(0x0A)
            } else if !(byte == 0x0A && previousCR) {
                text.append(byte)
            }
            previousCR = byte == 0x0D
        }
    }

    /// `<!-- … -->`; `--` inside is not allowed by XML.
    mutating func comment() throws(OrderedXMLError) {
        let start = position
        guard let dashes = find("--", from: position + 4) else { throw error("the comment is not closed with -->", at: start) }
        guard dashes + 2 < bytes.count, bytes[dashes + 2] == UInt8(ascii: ">") else { throw error("'--' is not allowed inside a comment", at: dashes) }
        position = dashes + 3
    }

    /// `<?target …?>`, skipped; `<?xml` only as the very first thing.
    mutating func processingInstruction() throws(OrderedXMLError) {
        let start = position
        position += 2
        let target = try name()
        if target.lowercased() == "xml" { throw error("the XML declaration is only allowed at the very start of the document", at: start) }
        guard let end = find("?>", from: position) else { throw error("the processing instruction is not closed with ?>", at: start) }
        position = end + 2
    }

    /// An XML name: ASCII checked exactly, any non-ASCII character accepted (Chinese names occur).
    mutating func name() throws(OrderedXMLError) -> String {
        let start = position
        guard position < bytes.count, Self.isNameStart(bytes[position]) else { throw error("expected a name", at: position) }
        position += 1
        while position < bytes.count, Self.isNameStart(bytes[position]) || Self.isNameRest(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// A quoted attribute value, references expanded; `<` is not allowed.
    mutating func quotedValue() throws(OrderedXMLError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
            throw error("expected a quoted value", at: position)
        }
        let quote = bytes[position]
        let start = position
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("the quoted value is not closed", at: start) }
            let byte = bytes[position]
            if byte == quote { position += 1; break }
            if byte == UInt8(ascii: "<") { throw error("'<' is not allowed in an attribute value (write &lt;)", at: position) }
            if byte == UInt8(ascii: "&") {
                value += try reference()
            } else {
                // Attribute-value normalization: literal whitespace becomes a space.
                value.append(isWhitespace(byte) ? UInt8(ascii: " ") : byte)
                position += 1
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#NNN;` `&#xHHH;`: nothing else, since no DTD is read.
    mutating func reference() throws(OrderedXMLError) -> [UInt8] {
        let start = position
        guard let end = find(";", from: position + 1), end - start <= 12 else {
            throw error("'&' must start a reference such as &amp; (write a literal & as &amp;)", at: start)
        }
        let body = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        position = end + 1
        switch body {
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "amp": return [UInt8(ascii: "&")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default:
            let number: UInt32?
            if body.hasPrefix("#x") {
                number = UInt32(body.dropFirst(2), radix: 16)
            } else if body.hasPrefix("#") {
                number = UInt32(body.dropFirst(), radix: 10)
            } else {
                throw error("unknown entity &\(body); (only &lt; &gt; &amp; &quot; &apos; and character references)", at: start)
            }
            guard let number, let scalar = Unicode.Scalar(number), number != 0 else {
                throw error("&\(body); is not a character", at: start)
            }
            return Array(String(Character(scalar)).utf8)
        }
    }

    // MARK: Small helpers

    func starts(with literal: String) -> Bool {
        bytes[position...].starts(with: literal.utf8)
    }

    func find(_ literal: String, from start: Int) -> Int? {
        guard start <= bytes.count else { return nil }
        return bytes[start...].firstRange(of: Array(literal.utf8))?.lowerBound
    }

    mutating func expect(_ literal: Character, _ message: String) throws(OrderedXMLError) {
        guard position < bytes.count, bytes[position] == literal.asciiValue else { throw error(message, at: position) }
        position += 1
    }

    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, isWhitespace(bytes[position]) { position += 1 }
        return position > start
    }

    func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    static func isNameRest(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// The 1-based line of an offset at or after the last one asked about.
    mutating func line(of offset: Int) -> Int {
        if offset < countedTo { countedTo = 0; countedLine = 1 }
        countedLine += bytes[countedTo..<offset].lazy.filter { $0 == 0x0A }.count
        countedTo = offset
        return countedLine
    }

    /// An error at a byte offset, with its line and column (in characters).
    func error(_ message: String, at offset: Int) -> OrderedXMLError {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.lazy.filter { $0 == 0x0A }.count + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = bytes[lineStart..<min(offset, bytes.count)].lazy.filter { $0 & 0xC0 != 0x80 }.count + 1
        return OrderedXMLError(line: line, column: column, message: message)
    }
}
