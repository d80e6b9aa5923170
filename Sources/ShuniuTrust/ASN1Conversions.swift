import COpenSSL
import Foundation

/// Conversions from OpenSSL's ASN.1 values to Swift values.
enum ASN1Conversions {
    /// An ASN1_TIME (UTCTime or GeneralizedTime) as a Date; nil when absent or unreadable.
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// An ASN.1 string of any type as UTF-8 (BMPString and friends converted by OpenSSL).
    static func utf8(_ string: UnsafePointer<ASN1_STRING>?) -> String? {
        guard let string else { return nil }
        var output: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&output, string)
        guard length >= 0, let output else { return nil }
        defer { shuniu_openssl_free(output) }
        return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
    }

    /// The raw content bytes of an ASN.1 string (OCTET STRING, IA5String, …).
    static func bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        let length = Int(ASN1_STRING_length(string))
        guard length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    /// An INTEGER as upper-case hex ("0A", "-01"): the form serials take on both certificates and
    /// CRL entries, so the two compare as text.
    static func hex(_ integer: UnsafePointer<ASN1_INTEGER>?) -> String? {
        guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else { return nil }
        defer { BN_free(number) }
        guard let text = BN_bn2hex(number) else { return nil }
        defer { shuniu_openssl_free(text) }
        return String(cString: text)
    }

    /// An X509_NAME on one line, UTF-8 kept readable ("C = CN, O = 测试, CN = …").
    static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        return MemoryBIO.text { bio in shuniu_x509_name_print_oneline(bio, name) >= 0 } ?? ""
    }

    /// The time OpenSSL compares against, from a Date (whole seconds, rounded down).
    static func timeT(_ date: Date) -> time_t {
        time_t(date.timeIntervalSince1970.rounded(.down))
    }
}
