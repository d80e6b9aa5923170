/// `server.tls`: the hub serves HTTPS itself when this is configured (absent: plain HTTP).
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `certificate` | path | required | PEM: the server certificate first, then its intermediates |
/// | `key` | path | required | PEM private key (RSA or ECDSA, unencrypted) of that certificate |
/// | `clientCA` | path | none | PEM bundle of the CAs whose client certificates are accepted (unused with `none`) |
/// | `clientCertificates` | `none`, `optional`, `required` | `none` | whether clients are asked for a certificate; `optional` and `required` need `clientCA` |
///
/// SIGHUP reads the files again; a pair that fails keeps the one in force (``ServerTLSReloader``).
public struct ServerTLSSettings: Sendable, Equatable {
    /// Whether a client must show a certificate issued by `clientCA`.
    public enum ClientCertificates: String, Sendable, CaseIterable {
        /// None is asked for.
        case none
        /// Asked for; a client without one is served, one with a certificate not from `clientCA` is refused.
        case optional
        /// A client without a certificate from `clientCA` is refused during the handshake.
        case required
    }

    public var certificate: String
    public var key: String
    public var clientCA: String?
    public var clientCertificates: ClientCertificates

    public init(certificate: String, key: String, clientCA: String? = nil, clientCertificates: ClientCertificates = .none) {
        self.certificate = certificate
        self.key = key
        self.clientCA = clientCA
        self.clientCertificates = clientCertificates
    }
}
