/// An ingest request as it reached the hub: what the signature covers, plus the caller's address.
public struct SignedRequest: Sendable {
    public var method: String
    public var path: String
    /// Header values by the names in ``ShuniuCore/SignatureHeader``; absent ones are nil.
    public var appKey: String?
    /// The registered certificate's fingerprint, for the certificate methods.
    public var certificate: String?
    public var timestamp: String?
    public var nonce: String?
    public var signatureMethod: String?
    public var signature: String?
    public var body: [UInt8]
    public var address: String?

    public init(method: String, path: String, appKey: String?, timestamp: String?, nonce: String?, signatureMethod: String?, signature: String?, body: [UInt8], address: String?, certificate: String? = nil) {
        self.method = method
        self.path = path
        self.appKey = appKey
        self.timestamp = timestamp
        self.nonce = nonce
        self.signatureMethod = signatureMethod
        self.signature = signature
        self.body = body
        self.address = address
        self.certificate = certificate
    }
}
