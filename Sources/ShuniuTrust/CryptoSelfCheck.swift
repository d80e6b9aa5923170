import ShuniuCore

/// Checks once, at start-up, that this OpenSSL build computes every digest and HMAC the hub
/// offers (SM3 is left out of some builds), against known answers; afterwards the hot path may
/// assume they work.
public enum CryptoSelfCheck {
    /// SHA-256 and SM3 of "abc" (FIPS 180-2 and GB/T 32905 test vectors).
    static let knownDigests: [DigestAlgorithm: String] = [
        .sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        .sm3: "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    ]

    /// Throws ``TrustError`` with code `internalFailure`, naming what is missing, when a digest
    /// or an HMAC method fails or gives a wrong answer.
    public static func run() throws(TrustError) {
        for algorithm in DigestAlgorithm.allCases {
            let digest = Hex.encode(try algorithm.checkedHash(Array("abc".utf8)))
            guard digest == knownDigests[algorithm] else {
                throw TrustError(.internalFailure, "OpenSSL's \(algorithm.rawValue) digest gives a wrong answer for a known test vector")
            }
        }
        for method in SignatureMethod.allCases {
            let code = try MessageAuthenticator(method: method).checkedCode(key: Array("key".utf8), message: Array("abc".utf8))
            guard code.count == 32 else {
                throw TrustError(.internalFailure, "OpenSSL's \(method.rawValue) gives a \(code.count)-byte MAC, not 32")
            }
        }
    }
}
