/// Just enough DER to slice a signed structure and read a string value, without OpenSSL
/// re-encoding anything (re-encoding would alter non-canonical input and write to shared objects).
enum DERReader {
    /// One element: its tag, and where its contents and the whole element lie in the input.
    struct Element {
        var tag: UInt8
        var contents: Range<Int>
        var whole: Range<Int>
    }

    /// The element starting at `offset`, or nil when the header or length do not fit.
    static func element(in bytes: [UInt8], at offset: Int) -> Element? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        // High-tag-number form never appears in the structures read here.
        guard tag & 0x1F != 0x1F else { return nil }
        var cursor = offset + 1
        let first = bytes[cursor]
        cursor += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0, count <= 4, cursor + count <= bytes.count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[cursor])
                cursor += 1
            }
        }
        guard length <= bytes.count - cursor else { return nil }
        return Element(tag: tag, contents: cursor..<(cursor + length), whole: offset..<(cursor + length))
    }

    /// The first element inside the outer SEQUENCE: the to-be-signed part of a certificate or CRL.
    static func signedPart(of bytes: [UInt8]) -> [UInt8]? {
        guard let outer = element(in: bytes, at: 0), outer.tag == 0x30,
              let inner = element(in: bytes, at: outer.contents.lowerBound), inner.tag == 0x30 else { return nil }
        return Array(bytes[inner.whole])
    }

    /// True when a CRL's outer signatureAlgorithm equals the one inside tbsCertList, byte for
    /// byte (OpenSSL 3.0 has no getter for the inner one).
    static func crlAlgorithmsAgree(_ bytes: [UInt8]) -> Bool {
        guard let outer = element(in: bytes, at: 0), outer.tag == 0x30,
              let tbs = element(in: bytes, at: outer.contents.lowerBound), tbs.tag == 0x30,
              let outerAlgorithm = element(in: bytes, at: tbs.whole.upperBound), outerAlgorithm.tag == 0x30,
              var inner = element(in: bytes, at: tbs.contents.lowerBound) else { return false }
        // tbsCertList starts with an optional version INTEGER.
        if inner.tag == 0x02 {
            guard let next = element(in: bytes, at: inner.whole.upperBound) else { return false }
            inner = next
        }
        return inner.tag == 0x30 && bytes[inner.whole] == bytes[outerAlgorithm.whole]
    }

    /// The text of a DER UTF8String, PrintableString, IA5String, NumericString, TeletexString or
    /// BMPString that makes up all of `bytes`; nil when `bytes` is something else.
    static func string(_ bytes: [UInt8]) -> String? {
        guard let element = element(in: bytes, at: 0), element.whole.count == bytes.count else { return nil }
        let contents = Array(bytes[element.contents])
        switch element.tag {
        case 0x0C, 0x12, 0x13, 0x16:
            return String(validating: contents, as: UTF8.self)
        case 0x14:
            // TeletexString: in practice Latin-1.
            return String(String.UnicodeScalarView(contents.map { Unicode.Scalar($0) }))
        case 0x1E:
            guard contents.count % 2 == 0 else { return nil }
            let units = stride(from: 0, to: contents.count, by: 2).map { UInt16(contents[$0]) << 8 | UInt16(contents[$0 + 1]) }
            return String(validating: units, as: UTF16.self)
        default:
            return nil
        }
    }
}
