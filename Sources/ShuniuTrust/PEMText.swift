/// Tells PEM text from DER bytes.
enum PEMText {
    private static let marker = Array("-----BEGIN".utf8)

    /// True when the bytes contain a PEM BEGIN line (DER never starts with printable text).
    static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= marker.count else { return false }
        // DER starts with a SEQUENCE tag; anything else worth reading is text.
        if bytes.first == 0x30 { return false }
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0], Array(bytes[index..<(index + marker.count)]) == marker { return true }
            index += 1
        }
        return false
    }
}
