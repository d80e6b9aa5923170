/// Characters a value may not carry, whatever its field's own checks say.
///
/// A control character in a value is never data: a NUL ends the text for the C libraries below
/// the store (so `…0037\u{0}` would be answered as one key and stored as another), and
/// invisible characters make two keys that read alike differ. Free text may hold tab, CR and LF;
/// codes and keys may hold no control, format or line-separator character at all.
public enum TextCharacters {
    /// The first character free text may not hold: U+0000–U+001F but tab, CR and LF; U+007F–U+009F.
    public static func forbiddenInFreeText(_ text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: false
            case 0x00...0x1F, 0x7F...0x9F: true
            default: false
            }
        }
    }

    /// The first character a code or key may not hold: every control character (tab, CR and LF
    /// too), format characters such as U+200B ZERO WIDTH SPACE, U+202E RIGHT-TO-LEFT OVERRIDE and
    /// U+FEFF, and the line and paragraph separators.
    public static func forbiddenInCode(_ text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: true
            default: false
            }
        }
    }

    /// `U+0000` style, for messages: the character itself would be invisible or harmful there.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
