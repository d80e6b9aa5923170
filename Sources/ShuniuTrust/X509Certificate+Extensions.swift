import COpenSSL

extension X509Certificate {
    /// The keyUsage bits, or nil when the certificate has no keyUsage extension.
    public var keyUsage: KeyUsage? {
        // X509_get_extension_flags fills OpenSSL's extension cache (under its lock) first.
        guard X509_get_extension_flags(pointer) & UInt32(EXFLAG_KUSAGE) != 0 else { return nil }
        return KeyUsage(rawValue: X509_get_key_usage(pointer))
    }

    /// The basicConstraints extension, or nil when absent or unreadable.
    public var basicConstraints: BasicConstraints? {
        var isCA: Int32 = 0
        var pathLength = -1
        guard shuniu_basic_constraints(pointer, &isCA, &pathLength) == 1 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return BasicConstraints(isCA: isCA == 1, pathLength: pathLength >= 0 ? pathLength : nil)
    }

    /// The URIs of the CRL distribution points (full names only), in certificate order.
    public var crlDistributionPointURLs: [String] {
        guard let points = X509_get_ext_d2i(pointer, NID_crl_distribution_points, nil, nil) else {
            OpenSSLErrorQueue.clear()
            return []
        }
        let stack = OpaquePointer(points)
        defer { CRL_DIST_POINTS_free(stack) }
        var urls: [String] = []
        for pointIndex in 0..<max(0, shuniu_sk_DIST_POINT_num(stack)) {
            guard let names = shuniu_dist_point_full_name(shuniu_sk_DIST_POINT_value(stack, pointIndex)) else { continue }
            for nameIndex in 0..<max(0, shuniu_sk_GENERAL_NAME_num(names)) {
                guard let uri = shuniu_general_name_uri(names, nameIndex) else { continue }
                urls.append(String(decoding: ASN1Conversions.bytes(uri), as: UTF8.self))
            }
        }
        return urls
    }

    /// The raw value of an extension (the contents of its extnValue OCTET STRING, itself DER),
    /// or nil when the certificate has no extension with that dotted OID.
    public func extensionValue(oid: String) -> [UInt8]? {
        guard let object = OBJ_txt2obj(oid, 1) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { ASN1_OBJECT_free(object) }
        let index = X509_get_ext_by_OBJ(pointer, object, -1)
        guard index >= 0, let ext = X509_get_ext(pointer, index) else { return nil }
        return ASN1Conversions.bytes(X509_EXTENSION_get_data(ext))
    }

    /// An extension's value as text: the string when it is a DER UTF8String, PrintableString,
    /// IA5String or BMPString (how CAs encode GM/T 0015 identity fields), otherwise the raw
    /// bytes read as UTF-8 (some CAs put bare text there). Nil when absent or not text.
    public func extensionString(oid: String) -> String? {
        guard let value = extensionValue(oid: oid) else { return nil }
        return DERReader.string(value) ?? String(validating: value, as: UTF8.self)
    }

    /// The values of one subject attribute, in order, as UTF-8. `attribute` is an OpenSSL short
    /// name (`CN`, `O`, `OU`, `C`, …), one of the upper-case spellings CA manifests use
    /// (`SERIALNUMBER`, `EMAIL`, …), or a dotted OID such as `2.5.4.97`.
    public func subjectValues(_ attribute: String) -> [String] {
        guard let object = SubjectAttribute.object(attribute) else { return [] }
        defer { ASN1_OBJECT_free(object) }
        guard let name = X509_get_subject_name(pointer) else { return [] }
        var values: [String] = []
        var index = X509_NAME_get_index_by_OBJ(name, object, -1)
        while index >= 0 {
            if let entry = X509_NAME_get_entry(name, index), let text = ASN1Conversions.utf8(X509_NAME_ENTRY_get_data(entry)) {
                values.append(text)
            }
            index = X509_NAME_get_index_by_OBJ(name, object, index)
        }
        return values
    }
}
