import ShuniuCore

/// The query of `GET /api/v1/feed`: `after`, `datasets`, `region`, `platform`, `limit`, `wait`.
/// Every malformed parameter is refused by name, never guessed at.
struct FeedParameters: Sendable, Equatable {
    /// The cursor: the `next` of the previous page, or 0 (the default) from the start.
    var after: Int64 = 0
    /// Asked-for datasets; nil for every dataset the consumer may read.
    var datasets: [DatasetID]?
    /// A region code prefix, 2 to 12 digits.
    var region: String?
    var platform: PlatformID?
    var limit: Int
    /// How long to hold an empty answer open for a new version (long-poll).
    var waitSeconds: Int = 0

    static let defaultLimit = 100

    init(_ query: [(name: String, value: String)], pageCap: Int, maxWaitSeconds: Int) throws(ReadRefusal) {
        limit = min(Self.defaultLimit, pageCap)
        for (name, value) in query {
            switch name {
            case "after":
                guard let cursor = Int64(value), cursor >= 0 else {
                    throw ReadRefusal(.badQuery, "after must be a cursor the feed gave (a whole number ≥ 0), got '\(value)'")
                }
                after = cursor
            case "datasets":
                let list = value.split(separator: ",").map { DatasetID(String($0).trimmingCharacters(in: .whitespaces)) }
                guard !list.isEmpty, list.allSatisfy({ !$0.rawValue.isEmpty }) else {
                    throw ReadRefusal(.badQuery, "datasets must be dataset numbers separated by commas, such as 500,501")
                }
                datasets = list
            case "region":
                guard (2...12).contains(value.count), value.allSatisfy(\.isASCIIDigit) else {
                    throw ReadRefusal(.badQuery, "region must be a region code or its prefix, 2 to 12 digits (42 for Hubei, 4201 for Wuhan), got '\(value)'")
                }
                region = value
            case "platform":
                guard let id = PlatformID(rawValue: value) else {
                    throw ReadRefusal(.badQuery, "platform must be a platform code (11 characters of 0-9 and A-Z), got '\(value)'")
                }
                platform = id
            case "limit":
                guard let count = Int(value), (1...pageCap).contains(count) else {
                    throw ReadRefusal(.badQuery, "limit must be from 1 to \(pageCap), got '\(value)'")
                }
                limit = count
            case "wait":
                let digits = value.hasSuffix("s") ? String(value.dropLast()) : value
                guard let seconds = Int(digits), (0...maxWaitSeconds).contains(seconds) else {
                    throw ReadRefusal(.badQuery, "wait must be seconds from 0 to \(maxWaitSeconds), such as 30s, got '\(value)'")
                }
                waitSeconds = seconds
            default:
                throw ReadRefusal(.badQuery, "unknown parameter '\(name)'; the feed takes after, datasets, region, platform, limit and wait")
            }
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
