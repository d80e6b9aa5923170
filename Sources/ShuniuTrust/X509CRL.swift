import COpenSSL
import Foundation

/// A certificate revocation list, parsed once and read through Swift properties.
///
/// `@unchecked Sendable`: the X509_CRL is never mutated by this module after init. OpenSSL sorts
/// the revoked entries lazily under the CRL's own lock, and everything read here is read in init.
public final class X509CRL: @unchecked Sendable, CustomStringConvertible {
    /// The owned X509_CRL*; lent to OpenSSL calls inside this module only.
    let pointer: OpaquePointer
    /// The DER encoding, exactly as received when the input was DER.
    public let der: [UInt8]
    /// The issuer on one line, in the same form as ``X509Certificate/subject``.
    public let issuer: String
    /// When the CRL was issued.
    public let thisUpdate: Date
    /// When the next CRL is due; nil when the CRL does not say.
    public let nextUpdate: Date?
    /// Serials of the revoked certificates, in the form of ``X509Certificate/serialHex``.
    public let revokedSerials: [String]
    /// The to-be-signed bytes as received, kept for SM2 verification by hand.
    private let signedPart: [UInt8]?

    /// Parses a CRL from PEM (the first `X509 CRL` block) or DER bytes.
    public init(_ bytes: [UInt8]) throws(TrustError) {
        let parsed: OpaquePointer?
        if PEMText.looksLikePEM(bytes) {
            parsed = MemoryBIO.reading(bytes) { PEM_read_bio_X509_CRL($0, nil, nil, nil) } ?? nil
        } else {
            parsed = MemoryBIO.reading(bytes) { d2i_X509_CRL_bio($0, nil) } ?? nil
        }
        guard let parsed else {
            throw .fromOpenSSL(.malformedCRL, bytes.isEmpty ? "empty CRL" : "not a PEM or DER CRL")
        }
        var encoded: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509_CRL(parsed, &encoded)
        var derBytes: [UInt8] = []
        if length > 0, let encoded {
            derBytes = Array(UnsafeBufferPointer(start: encoded, count: Int(length)))
            shuniu_openssl_free(encoded)
        }
        let issuerText = ASN1Conversions.oneLine(X509_CRL_get_issuer(parsed))
        // A throwing init never reaches deinit: free here on the way out.
        guard !derBytes.isEmpty, let start = ASN1Conversions.date(X509_CRL_get0_lastUpdate(parsed)) else {
            X509_CRL_free(parsed)
            throw .fromOpenSSL(.malformedCRL, "CRL of \(issuerText) cannot be re-encoded or has no readable thisUpdate")
        }
        var serials: [String] = []
        if let revoked = X509_CRL_get_REVOKED(parsed) {
            let count = shuniu_sk_X509_REVOKED_num(revoked)
            serials.reserveCapacity(Int(max(0, count)))
            for index in 0..<max(0, count) {
                if let entry = shuniu_sk_X509_REVOKED_value(revoked, index),
                   let serial = ASN1Conversions.hex(X509_REVOKED_get0_serialNumber(entry)) {
                    serials.append(serial)
                }
            }
        }
        pointer = parsed
        der = derBytes
        issuer = issuerText
        thisUpdate = start
        nextUpdate = ASN1Conversions.date(X509_CRL_get0_nextUpdate(parsed))
        revokedSerials = serials
        signedPart = DERReader.signedPart(of: derBytes)
    }

    /// Parses a CRL from PEM text.
    public convenience init(pem: String) throws(TrustError) {
        try self.init(Array(pem.utf8))
    }

    deinit {
        X509_CRL_free(pointer)
    }

    /// True when the CRL lists the certificate's serial (issuer names are not compared).
    public func lists(_ certificate: X509Certificate) -> Bool {
        revokedSerials.contains(certificate.serialHex)
    }

    /// True when `date` is past nextUpdate (a CRL without nextUpdate never goes stale).
    public func isStale(at date: Date) -> Bool {
        guard let nextUpdate else { return false }
        return date > nextUpdate
    }

    /// True when the issuer signed this CRL with SM2 (SM2-with-SM3).
    public var isSM2Signed: Bool {
        X509_CRL_get_signature_nid(pointer) == NID_SM2_with_SM3
    }

    /// True when `issuer`'s key verifies this CRL's signature; names are not compared.
    ///
    /// RSA and ECDSA go through `X509_CRL_verify`. OpenSSL 3.0 has no distinguishing-ID setter
    /// for CRLs, so an SM2 signature is checked here: SM3 with Z_A(`sm2ID`) over the
    /// tbsCertList as received (sliced from the DER rather than `i2d_re_X509_CRL_tbs`, which
    /// re-encodes and marks the shared CRL modified).
    public func verifySignature(issuer: X509Certificate, sm2ID: String = SM2.defaultDistinguishingID) -> Bool {
        guard let key = X509_get0_pubkey(issuer.pointer) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        return verifySignature(key: key, sm2ID: sm2ID)
    }

    /// The same check with a borrowed EVP_PKEY*, as the chain verifier's callback has one.
    func verifySignature(key: OpaquePointer, sm2ID: String) -> Bool {
        guard isSM2Signed else {
            let result = X509_CRL_verify(pointer, key)
            OpenSSLErrorQueue.clear()
            return result == 1
        }
        var signature: UnsafePointer<ASN1_BIT_STRING>?
        var outer: UnsafePointer<X509_ALGOR>?
        X509_CRL_get0_signature(pointer, &signature, &outer)
        // Both algorithm fields must agree, as X509_CRL_verify requires.
        guard SM2.isSM2Key(key), let signedPart, DERReader.crlAlgorithmsAgree(der) else { return false }
        return SM2.verify(signature: ASN1Conversions.bytes(signature), message: signedPart, publicKey: key, id: sm2ID)
    }

    public var description: String {
        "X509CRL(\(issuer), \(revokedSerials.count) revoked)"
    }
}
