import COpenSSL

/// The keyUsage extension's bits (RFC 5280 §4.2.1.3).
public struct KeyUsage: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// OpenSSL's KU_* bit layout.
    public let rawValue: UInt32
    /// Usages from OpenSSL's KU_* bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    // Values are OpenSSL's KU_* bits, so X509_get_key_usage converts without a table.
    /// `digitalSignature`
    public static let digitalSignature = KeyUsage(rawValue: UInt32(KU_DIGITAL_SIGNATURE))
    /// Also called contentCommitment.
    public static let nonRepudiation = KeyUsage(rawValue: UInt32(KU_NON_REPUDIATION))
    /// `keyEncipherment`
    public static let keyEncipherment = KeyUsage(rawValue: UInt32(KU_KEY_ENCIPHERMENT))
    /// `dataEncipherment`
    public static let dataEncipherment = KeyUsage(rawValue: UInt32(KU_DATA_ENCIPHERMENT))
    /// `keyAgreement`
    public static let keyAgreement = KeyUsage(rawValue: UInt32(KU_KEY_AGREEMENT))
    /// `keyCertSign`
    public static let keyCertSign = KeyUsage(rawValue: UInt32(KU_KEY_CERT_SIGN))
    /// `cRLSign`
    public static let cRLSign = KeyUsage(rawValue: UInt32(KU_CRL_SIGN))
    /// `encipherOnly`
    public static let encipherOnly = KeyUsage(rawValue: UInt32(KU_ENCIPHER_ONLY))
    /// `decipherOnly`
    public static let decipherOnly = KeyUsage(rawValue: UInt32(KU_DECIPHER_ONLY))

    /// A usage that lets the key sign documents: a Chinese encryption certificate has neither.
    public var allowsSigning: Bool {
        !isDisjoint(with: [.digitalSignature, .nonRepudiation])
    }

    public var description: String {
        let names: [(KeyUsage, String)] = [
            (.digitalSignature, "digitalSignature"), (.nonRepudiation, "nonRepudiation"),
            (.keyEncipherment, "keyEncipherment"), (.dataEncipherment, "dataEncipherment"),
            (.keyAgreement, "keyAgreement"), (.keyCertSign, "keyCertSign"), (.cRLSign, "cRLSign"),
            (.encipherOnly, "encipherOnly"), (.decipherOnly, "decipherOnly"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: ", ")
    }
}
