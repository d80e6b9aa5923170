import Foundation

/// One URL a CA's CRL is fetched from, and what happened the last times: the record kept per URL
/// in `<dataDir>/crl/<ca-id>/status.json` and shown by `shuniu certs list`.
public struct CRLSource: Codable, Sendable, Equatable {
    /// How the hub came to know the URL.
    public enum Origin: String, Codable, Sendable {
        /// Listed in the CA's `crl.urls`.
        case configured
        /// A CRL distribution point of one of the CA's own certificates (`Certs/<ca-id>/`).
        case caCertificate
        /// A CRL distribution point of a certificate verified by the hub (kept across restarts).
        case learned
    }

    public var url: String
    public var origin: Origin
    /// Base64 DER of the certificate that signs this URL's CRL, when it is not one of the CA's
    /// own: an intermediate a sender supplied, which chained to the CA when the URL was learned.
    public var issuer: String?
    /// When a fetch last started, and last succeeded.
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    /// The cached CRL's validity.
    public var thisUpdate: Date?
    public var nextUpdate: Date?
    /// Why the last fetch failed; nil after a good one.
    public var lastError: String?
    /// Failures in a row.
    public var failures = 0
    /// When the next fetch is due; nil means now.
    public var nextAttempt: Date?

    public init(url: String, origin: Origin, issuer: String? = nil) {
        self.url = url
        self.origin = origin
        self.issuer = issuer
    }

    /// The cache file's name: SHA-256 of the URL, so any URL makes a safe, stable file name.
    public var fileName: String { CRLCache.fileName(for: url) }

    /// For people: `fresh until …`, `stale since …`, `never fetched`.
    public func freshness(at now: Date) -> String {
        freshness(at: now, time: Self.time)
    }

    /// The same, with times written by `time` (the CLI's are Beijing time, or UTC on request).
    public func freshness(at now: Date, time: (Date) -> String) -> String {
        guard lastSuccess != nil else { return "never fetched" }
        guard let nextUpdate else { return "no nextUpdate" }
        return nextUpdate < now ? "stale since \(time(nextUpdate))" : "fresh until \(time(nextUpdate))"
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon)) + "Z"
    }
}
