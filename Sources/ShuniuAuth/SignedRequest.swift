import ShuniuCore

/// A signed request as it reached the hub: what the signature covers, plus the caller's address.
///
/// Signature headers longer than their bound (``maxLengths``) are not kept: their names are
/// listed in ``oversizedHeaders`` and the request is refused before anything is looked up, so
/// an oversized value never reaches the store, the audit log or a message.
public struct SignedRequest: Sendable {
    public var method: String
    /// The request target as sent: the path, and `?query` when there is one.
    public var path: String
    /// Header values by the names in ``ShuniuCore/SignatureHeader``; absent or oversized ones are nil.
    public private(set) var appKey: String?
    /// The registered certificate's fingerprint, for the certificate methods.
    public private(set) var certificate: String?
    public private(set) var timestamp: String?
    public private(set) var nonce: String?
    public private(set) var signatureMethod: String?
    public private(set) var signature: String?
    /// Names of the signature headers that were longer than their bound, in header order.
    public private(set) var oversizedHeaders: [String] = []
    public var body: [UInt8]
    public var address: String?

    /// The longest value, in UTF-8 bytes, taken for each signature header. An RSA-4096
    /// signature is 684 characters of base64; a SHA-256 fingerprint 64 of hex.
    public static let maxLengths: [String: Int] = [
        SignatureHeader.appKey: 128,
        SignatureHeader.certificate: 64,
        SignatureHeader.timestamp: 20,
        SignatureHeader.nonce: 128,
        SignatureHeader.method: 32,
        SignatureHeader.signature: 1024,
    ]

    public init(method: String, path: String, appKey: String?, timestamp: String?, nonce: String?, signatureMethod: String?, signature: String?, body: [UInt8], address: String?, certificate: String? = nil) {
        self.method = method
        self.path = path
        self.body = body
        self.address = address
        self.appKey = bounded(appKey, SignatureHeader.appKey)
        self.certificate = bounded(certificate, SignatureHeader.certificate)
        self.timestamp = bounded(timestamp, SignatureHeader.timestamp)
        self.nonce = bounded(nonce, SignatureHeader.nonce)
        self.signatureMethod = bounded(signatureMethod, SignatureHeader.method)
        self.signature = bounded(signature, SignatureHeader.signature)
    }

    /// `value` when it is within the header's bound; nil, noting the header, when it is not.
    private mutating func bounded(_ value: String?, _ name: String) -> String? {
        guard let value, let limit = Self.maxLengths[name], value.utf8.count > limit else { return value }
        oversizedHeaders.append(name)
        return nil
    }
}
