import COpenSSL

/// Maps the attribute names that manifests use to OpenSSL objects.
enum SubjectAttribute {
    /// Upper-case spellings that OpenSSL's short names do not cover (it has `serialNumber`,
    /// `emailAddress`, and case matters to it).
    private static let aliases: [String: String] = [
        "SERIALNUMBER": "2.5.4.5",
        "SERIAL": "2.5.4.5",
        "EMAIL": "1.2.840.113549.1.9.1",
        "EMAILADDRESS": "1.2.840.113549.1.9.1",
        "E": "1.2.840.113549.1.9.1",
        "ORGANIZATIONIDENTIFIER": "2.5.4.97",
        "STREET": "2.5.4.9",
        "TITLE": "2.5.4.12",
        "SURNAME": "2.5.4.4",
        "GIVENNAME": "2.5.4.42",
        "UID": "0.9.2342.19200300.100.1.1",
        "DC": "0.9.2342.19200300.100.1.25",
        "CN": "2.5.4.3", "C": "2.5.4.6", "L": "2.5.4.7", "ST": "2.5.4.8", "O": "2.5.4.10", "OU": "2.5.4.11",
    ]

    /// A new ASN1_OBJECT for the attribute (caller frees), or nil when the name is unknown.
    static func object(_ attribute: String) -> OpaquePointer? {
        let text = aliases[attribute.uppercased()] ?? attribute
        // no_name 0: accept OpenSSL's short and long names as well as dotted OIDs.
        guard let object = OBJ_txt2obj(text, 0) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return object
    }
}
