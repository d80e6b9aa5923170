import Foundation

/// A certified trading platform registered with the hub.
///
/// The signing secret is not part of this type so that showing a platform can never leak it;
/// see ``PlatformCredential``.
public struct Platform: Codable, Sendable, Hashable {
    /// 交易平台标识码.
    public var id: PlatformID
    public var name: String
    public var status: PlatformStatus
    /// Last day (China Standard Time) of the platform's 检测认证 certification, inclusive.
    public var certifiedUntil: CalendarDay
    /// The datasets this platform may send.
    public var allowedDatasets: [DatasetID]
    /// The public half of the request-signing credential.
    public var appKey: String
    /// The 统一社会信用代码 of the platform's operator: the organization whose certificates may
    /// sign for it. Nil until an operator sets it.
    public var operatorCode: String?
    /// Pushes taken a minute; more are answered 429 with `Retry-After`.
    public var requestsPerMinute: Int
    /// Platforms this one succeeds (a merger the operators registered): it may create codes that
    /// begin with their 交易平台标识码 and send new versions of their records.
    public var predecessors: [PlatformID]
    /// Refuse fields a dataset does not define (`field.unknown` as an error) instead of keeping
    /// them under `extra` with a warning.
    public var strictFields: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: PlatformID, name: String, status: PlatformStatus, certifiedUntil: CalendarDay,
        allowedDatasets: [DatasetID], appKey: String, createdAt: Date, updatedAt: Date, operatorCode: String? = nil,
        requestsPerMinute: Int = Platform.defaultRequestsPerMinute, predecessors: [PlatformID] = [], strictFields: Bool = false
    ) {
        self.predecessors = predecessors
        self.strictFields = strictFields
        self.id = id
        self.name = name
        self.status = status
        self.certifiedUntil = certifiedUntil
        self.allowedDatasets = allowedDatasets
        self.appKey = appKey
        self.operatorCode = operatorCode
        self.requestsPerMinute = requestsPerMinute
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Ten batches a second: far above any platform's honest pace, low enough that a runaway
    /// client cannot take the hub's cores from the others.
    public static let defaultRequestsPerMinute = 600

    /// True when the certification still covers the given instant's day in China Standard Time.
    public func isCertified(at instant: Date) -> Bool {
        CalendarDay(instant) <= certifiedUntil
    }

    public func mayUpload(_ dataset: DatasetID) -> Bool {
        allowedDatasets.contains(dataset)
    }

    /// Whether this platform may speak for `other`: it is `other`, or succeeds it.
    public func speaks(for other: PlatformID) -> Bool {
        other == id || predecessors.contains(other)
    }
}

/// Whether a platform may currently send.
public enum PlatformStatus: String, Codable, Sendable, CaseIterable {
    case active
    case suspended
}

/// The app key and secret a platform signs its requests with. The secret is shown once, when made.
public struct PlatformCredential: Sendable, Hashable {
    public var appKey: String
    public var secret: String

    public init(appKey: String, secret: String) {
        self.appKey = appKey
        self.secret = secret
    }
}

extension PlatformCredential: CustomStringConvertible {
    /// Never prints the secret.
    public var description: String { "PlatformCredential(appKey: \(appKey), secret: <redacted>)" }
}
