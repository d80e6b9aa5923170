/// An upstream endpoint that receives records: the national hub, a supervision platform, the
/// credit-sharing platform, or another.
public struct Destination: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case nationalHub = "national-hub"
        case supervision
        case credit
        case other
    }

    /// Which versions of a record are sent.
    public enum Mode: String, Sendable, CaseIterable {
        /// Every version, in order.
        case everyVersion = "every-version"
        /// When several versions of one record wait, only the newest.
        case latestState = "latest-state"
    }

    /// Unique, `[a-z0-9-]`, used in the CLI, metrics and idempotency keys.
    public var name: String
    public var kind: Kind
    /// Where batches are POSTed.
    public var url: String
    /// The key and secret the hub signs its requests with (same scheme as ingest).
    public var appKey: String?
    public var secret: String?
    public var signatureMethod: SignatureMethod
    /// PEM files for TLS client authentication.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// PEM bundle of the CAs to trust for this upstream's server certificate (else the system's).
    public var tlsCA: String?
    public var timeoutSeconds: Int
    public var batchSize: Int
    public var concurrency: Int
    /// Waits before each retry; past the last, an item is dead.
    public var retrySchedule: [Int]
    public var mode: Mode
    /// Consecutive failed batches that open the circuit breaker.
    public var circuitBreakerFailures: Int
    /// How long the first opening holds deliveries back, in seconds (doubling after, to 10 min).
    public var circuitBreakerPause: Int
    /// The destination mapping file its requests are made by (`Mappings/destinations/<format>.yaml`);
    /// nil: the hub's own JSON.
    public var format: String?
    /// Values the format's file names as `$settings.NAME` (the system number an upstream gave this hub…).
    public var formatSettings: [String: String]

    /// The documented default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead.
    public static let defaultRetrySchedule = [5, 300, 1800, 7200, 18000, 36000, 36000]

    public init(
        name: String, kind: Kind = .other, url: String, appKey: String? = nil, secret: String? = nil,
        signatureMethod: SignatureMethod = .hmacSHA256, tlsCertificate: String? = nil, tlsKey: String? = nil, tlsCA: String? = nil,
        timeoutSeconds: Int = 30, batchSize: Int = 100, concurrency: Int = 1,
        retrySchedule: [Int] = Destination.defaultRetrySchedule, mode: Mode = .everyVersion,
        circuitBreakerFailures: Int = 5, circuitBreakerPause: Int = 30, format: String? = nil, formatSettings: [String: String] = [:]
    ) {
        self.format = format
        self.formatSettings = formatSettings
        self.name = name
        self.kind = kind
        self.url = url
        self.appKey = appKey
        self.secret = secret
        self.signatureMethod = signatureMethod
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.tlsCA = tlsCA
        self.timeoutSeconds = timeoutSeconds
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.retrySchedule = retrySchedule
        self.mode = mode
        self.circuitBreakerFailures = circuitBreakerFailures
        self.circuitBreakerPause = circuitBreakerPause
    }
}

extension Destination: CustomStringConvertible {
    /// Never prints the secret.
    public var description: String { "Destination(\(name), \(kind.rawValue), \(url))" }
}
