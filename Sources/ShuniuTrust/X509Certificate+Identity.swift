import COpenSSL

extension X509Certificate {
    /// The kind and size of the subject's public key.
    public var publicKeyAlgorithm: PublicKeyAlgorithm {
        guard let key = X509_get0_pubkey(pointer) else {
            OpenSSLErrorQueue.clear()
            return .other("unreadable")
        }
        return PublicKeyAlgorithm(key: key)
    }

    /// The certificate's signature algorithm by OpenSSL's short name (`SM2-SM3`, `RSA-SHA256`, …).
    public var signatureAlgorithm: String {
        let nid = X509_get_signature_nid(pointer)
        guard let name = OBJ_nid2sn(nid) else { return "unknown" }
        return String(cString: name)
    }

    /// True when the issuer signed this certificate with SM2 (SM2-with-SM3, 1.2.156.10197.1.501).
    public var isSM2Signed: Bool {
        X509_get_signature_nid(pointer) == NID_SM2_with_SM3
    }

    /// SHA-256 of the DER encoding.
    public var sha256Fingerprint: [UInt8] {
        DigestAlgorithm.sha256.hash(der)
    }

    /// SHA-256 of the DER encoding as lower-case hex.
    public var sha256FingerprintHex: String {
        DigestAlgorithm.sha256.hexHash(der)
    }

    /// True when subject and issuer are the same name (a root, or a self-issued key rollover).
    public var isSelfIssued: Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(pointer)) == 0
    }

    /// True when the certificate is self-issued and its signature verifies with its own key
    /// (SM2 with the default distinguishing ID).
    public var isSelfSigned: Bool {
        isSelfIssued && isSigned(by: self)
    }

    /// True when `issuer`'s key verifies this certificate's signature. Names are not compared.
    /// SM2 signatures are checked here with `sm2ID` because OpenSSL 3.0 would use an empty ID.
    public func isSigned(by issuer: X509Certificate, sm2ID: String = SM2.defaultDistinguishingID) -> Bool {
        guard let key = X509_get0_pubkey(issuer.pointer) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        guard isSM2Signed else {
            let result = X509_verify(pointer, key)
            OpenSSLErrorQueue.clear()
            return result == 1
        }
        guard SM2.isSM2Key(key), let signed = signedPart else { return false }
        return SM2.verify(signature: signatureValue, message: signed, publicKey: key, id: sm2ID)
    }

    /// The tbsCertificate bytes as received, for verifying the signature by hand.
    var signedPart: [UInt8]? {
        // Both algorithm fields must agree, as X509_verify requires.
        var signature: UnsafePointer<ASN1_BIT_STRING>?
        var outer: UnsafePointer<X509_ALGOR>?
        X509_get0_signature(&signature, &outer, pointer)
        guard let outer, let inner = X509_get0_tbs_sigalg(pointer), X509_ALGOR_cmp(outer, inner) == 0 else { return nil }
        return DERReader.signedPart(of: der)
    }

    /// The signature BIT STRING's bytes (a DER ECDSA/SM2 signature or an RSA block).
    var signatureValue: [UInt8] {
        var signature: UnsafePointer<ASN1_BIT_STRING>?
        var outer: UnsafePointer<X509_ALGOR>?
        X509_get0_signature(&signature, &outer, pointer)
        return ASN1Conversions.bytes(signature)
    }
}
