import COpenSSL
import Foundation

/// An X.509 certificate, parsed once by OpenSSL and read through Swift properties.
///
/// `@unchecked Sendable`: the X509 it owns is never mutated after init. OpenSSL's lazily cached
/// extension data is filled under OpenSSL's own lock, and the SM2 distinguishing ID that chain
/// verification needs is set only on private copies (see ``ChainVerifier``).
public final class X509Certificate: @unchecked Sendable, CustomStringConvertible {
    /// The owned X509*; lent to OpenSSL calls inside this module only.
    let pointer: OpaquePointer
    /// The DER encoding, exactly as received when the input was DER.
    public let der: [UInt8]
    /// The subject on one line, e.g. `C = CN, O = 测试公司, CN = 张三`.
    public let subject: String
    /// The issuer on one line.
    public let issuer: String
    /// The serial number as upper-case hex (`BN_bn2hex` form: whole bytes, "-" when negative).
    public let serialHex: String
    /// The start of the validity period.
    public let notBefore: Date
    /// The end of the validity period (inclusive).
    public let notAfter: Date

    /// Parses one certificate from PEM (the first one in the text) or DER bytes.
    public convenience init(_ bytes: [UInt8]) throws(TrustError) {
        let pointer: OpaquePointer
        if PEMText.looksLikePEM(bytes) {
            guard let parsed = MemoryBIO.reading(bytes, { PEM_read_bio_X509($0, nil, nil, nil) }) ?? nil else {
                throw .fromOpenSSL(.malformedCertificate, "not a PEM certificate (no readable BEGIN CERTIFICATE block)")
            }
            pointer = parsed
        } else {
            pointer = try Self.parseDER(bytes)
        }
        try self.init(taking: pointer)
    }

    /// Parses one certificate from PEM text.
    public convenience init(pem: String) throws(TrustError) {
        try self.init(Array(pem.utf8))
    }

    /// Takes ownership of an X509*: freed by deinit, or here when this init throws (a throwing
    /// init never reaches deinit).
    init(taking pointer: OpaquePointer) throws(TrustError) {
        var encoded: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &encoded)
        var bytes: [UInt8] = []
        if length > 0, let encoded {
            bytes = Array(UnsafeBufferPointer(start: encoded, count: Int(length)))
            shuniu_openssl_free(encoded)
        }
        let subject = ASN1Conversions.oneLine(X509_get_subject_name(pointer))
        guard !bytes.isEmpty,
              let start = ASN1Conversions.date(X509_get0_notBefore(pointer)),
              let end = ASN1Conversions.date(X509_get0_notAfter(pointer)) else {
            X509_free(pointer)
            throw .fromOpenSSL(.malformedCertificate, "certificate \(subject) cannot be re-encoded or has an unreadable validity period")
        }
        self.pointer = pointer
        self.der = bytes
        self.subject = subject
        self.issuer = ASN1Conversions.oneLine(X509_get_issuer_name(pointer))
        self.serialHex = ASN1Conversions.hex(X509_get0_serialNumber(pointer)) ?? ""
        self.notBefore = start
        self.notAfter = end
    }

    /// Wraps an X509* that OpenSSL still owns, taking a reference of our own.
    convenience init(retaining pointer: OpaquePointer) throws(TrustError) {
        X509_up_ref(pointer)
        try self.init(taking: pointer)
    }

    deinit {
        X509_free(pointer)
    }

    private static func parseDER(_ bytes: [UInt8]) throws(TrustError) -> OpaquePointer {
        var consumed = 0
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let result = d2i_X509(nil, &cursor, buffer.count)
            if let cursor { consumed = cursor - base }
            return result
        }
        guard let parsed else {
            throw .fromOpenSSL(.malformedCertificate, bytes.isEmpty ? "empty certificate" : "not a DER certificate")
        }
        // Trailing bytes mean the input was not one certificate; refuse rather than guess.
        guard consumed == bytes.count else {
            X509_free(parsed)
            throw TrustError(.malformedCertificate, "DER certificate followed by \(bytes.count - consumed) unexpected bytes")
        }
        return parsed
    }

    /// Every certificate in a PEM bundle (in order), or the single certificate of DER bytes.
    public static func bundle(_ bytes: [UInt8]) throws(TrustError) -> [X509Certificate] {
        guard PEMText.looksLikePEM(bytes) else { return [try X509Certificate(bytes)] }
        let read: Result<[OpaquePointer], TrustError>? = MemoryBIO.reading(bytes) { bio in
            var pointers: [OpaquePointer] = []
            while true {
                if let next = PEM_read_bio_X509(bio, nil, nil, nil) {
                    pointers.append(next)
                    continue
                }
                // The end of the text shows up as "no start line"; anything else is a bad block.
                let last = shuniu_err_peek_last_error()
                if shuniu_err_get_lib(last) == ERR_LIB_PEM, shuniu_err_get_reason(last) == PEM_R_NO_START_LINE, !pointers.isEmpty {
                    OpenSSLErrorQueue.clear()
                    return .success(pointers)
                }
                pointers.forEach { X509_free($0) }
                return .failure(.fromOpenSSL(.malformedCertificate, "certificate \(pointers.count + 1) of the PEM bundle cannot be read"))
            }
        }
        switch read {
        case .none:
            throw TrustError(.malformedCertificate, "empty certificate bundle")
        case .failure(let error):
            throw error
        case .success(let pointers):
            var certificates: [X509Certificate] = []
            var index = 0
            // Each init owns its pointer from here on, even when it throws; free the rest if one does.
            do {
                while index < pointers.count {
                    let pointer = pointers[index]
                    index += 1
                    certificates.append(try X509Certificate(taking: pointer))
                }
            } catch {
                pointers[index...].forEach { X509_free($0) }
                throw error
            }
            return certificates
        }
    }

    /// Every certificate in a PEM bundle given as text.
    public static func bundle(pem: String) throws(TrustError) -> [X509Certificate] {
        try bundle(Array(pem.utf8))
    }

    public var description: String {
        "X509Certificate(\(subject), serial \(serialHex))"
    }
}
