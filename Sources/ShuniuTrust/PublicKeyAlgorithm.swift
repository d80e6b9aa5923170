import COpenSSL

/// The kind of key a certificate carries.
public enum PublicKeyAlgorithm: Sendable, Hashable, CustomStringConvertible {
    case rsa(bits: Int)
    /// An elliptic-curve key other than SM2; `curve` is the NIST name when there is one ("P-256").
    case ecdsa(curve: String)
    /// An EC key on the SM2 curve (1.2.156.10197.1.301).
    case sm2
    /// Anything else (DSA, Ed25519, …), by OpenSSL's name.
    case other(String)

    /// Classifies a borrowed EVP_PKEY*.
    init(key: OpaquePointer) {
        if EVP_PKEY_is_a(key, "RSA") == 1 || EVP_PKEY_is_a(key, "RSA-PSS") == 1 {
            self = .rsa(bits: Int(EVP_PKEY_get_bits(key)))
        } else if EVP_PKEY_is_a(key, "SM2") == 1 {
            self = .sm2
        } else if EVP_PKEY_is_a(key, "EC") == 1 {
            let group = Self.groupName(of: key) ?? "unknown"
            if group == "SM2" {
                self = .sm2
            } else if let nist = EC_curve_nid2nist(OBJ_sn2nid(group)) {
                self = .ecdsa(curve: String(cString: nist))
            } else {
                self = .ecdsa(curve: group)
            }
        } else if let name = EVP_PKEY_get0_type_name(key) {
            self = .other(String(cString: name))
        } else {
            self = .other(String(cString: OBJ_nid2sn(EVP_PKEY_get_base_id(key))))
        }
    }

    /// The curve's short name ("prime256v1", "SM2") of an EC key.
    static func groupName(of key: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(key, "group", &buffer, buffer.count, &length) == 1 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String {
        switch self {
        case .rsa(let bits): "RSA-\(bits)"
        case .ecdsa(let curve): "ECDSA \(curve)"
        case .sm2: "SM2"
        case .other(let name): name
        }
    }
}
