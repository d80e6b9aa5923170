import Foundation

/// What one fetch of one CRL URL did: logged by the daemon, printed and audited by
/// `shuniu certs crl refresh`.
public struct CRLFetchReport: Sendable, Encodable {
    public enum Outcome: String, Sendable, Encodable {
        /// A new CRL is cached.
        case updated
        /// The URL served the CRL already cached.
        case unchanged
        /// Nothing usable: the cached CRL, if any, stays in use.
        case failed
    }

    public var ca: String
    public var url: String
    public var outcome: Outcome
    /// The CRL's validity, or why the fetch failed.
    public var message: String
    public var thisUpdate: Date?
    public var nextUpdate: Date?
    /// When the URL is due again.
    public var nextAttempt: Date?
}
