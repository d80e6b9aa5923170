import Foundation
import Synchronization

/// Counts refused requests by source address and minute, in memory, so that callers the hub
/// cannot identify cost it nothing on disk.
///
/// An identified platform or consumer that is refused gets an audit entry of its own; a caller
/// the hub could not identify (no or unknown credentials, a bad signature, a body too large to
/// read) is only counted here, and each address's minute becomes one summary audit entry when it
/// is drained. An address refused more than `refusalsPerMinute` times in a minute is turned away
/// for the rest of that minute before anything is read or written for it.
///
/// The counts of the minute under way are lost if the process dies: at most a minute of refusals
/// that stored nothing.
public final class RefusalTally: Sendable {
    /// One address's refusals in one minute.
    public struct Summary: Sendable, Hashable {
        /// The caller's address; `*` gathers addresses past ``maxAddressesPerMinute``.
        public var address: String
        /// The start of the minute.
        public var minute: Date
        /// Refusals of unidentified callers, by code: what the summary audit entry holds.
        public var counts: [String: Int]
        /// Every refusal of the address, identified callers' too (they have entries of their own): what turns it away.
        public var refused: Int
    }

    /// Refusals an address may earn in a minute before it is turned away unread.
    public let refusalsPerMinute: Int
    /// Addresses counted one by one in a minute; more are counted together as `*`, so a flood
    /// from many addresses cannot grow the tally without bound.
    public static let maxAddressesPerMinute = 10_000

    private struct Key: Hashable {
        var address: String
        var minute: Int64
    }

    private let counts = Mutex<[Key: Summary]>([:])

    public init(refusalsPerMinute: Int = 120) {
        self.refusalsPerMinute = refusalsPerMinute
    }

    /// The code a turned-away request is answered and counted with.
    public static let turnedAwayCode = "request.too_many_refusals"

    /// A request turned away unread: when to come back, and what to say.
    public struct TurnedAway: Sendable {
        public var retryAfterSeconds: Int
        public var message: String
    }

    /// When `address` has been refused too often this minute, counts this request as turned away
    /// (an unidentified refusal, ``turnedAwayCode``) and says when to come back; nil otherwise.
    public func turnAway(_ address: String?, at instant: Date) -> TurnedAway? {
        let key = Key(address: address ?? "-", minute: Self.minute(of: instant))
        let refused = counts.withLock { $0[key]?.refused ?? 0 }
        guard refused >= refusalsPerMinute else { return nil }
        count(Self.turnedAwayCode, address: address, identified: false, at: instant)
        let nextMinute = Double(key.minute + 1) * 60
        let seconds = max(1, Int((nextMinute - instant.timeIntervalSince1970).rounded(.up)))
        return TurnedAway(retryAfterSeconds: seconds, message: "this address was refused \(refusalsPerMinute) times this minute; retry in \(seconds) s")
    }

    /// Counts one refusal of a request from `address`; `identified` when the caller proved who it is.
    public func count(_ code: String, address: String?, identified: Bool, at instant: Date) {
        let minute = Self.minute(of: instant)
        counts.withLock { counts in
            var key = Key(address: address ?? "-", minute: minute)
            if counts[key] == nil && counts.count >= Self.maxAddressesPerMinute {
                key.address = "*"
            }
            var summary = counts[key] ?? Summary(address: key.address, minute: Date(timeIntervalSince1970: Double(minute) * 60), counts: [:], refused: 0)
            summary.refused += 1
            if !identified { summary.counts[code, default: 0] += 1 }
            counts[key] = summary
        }
    }

    /// Takes the summaries of the minutes that ended before `instant` (every minute when `everything`),
    /// oldest first, leaving out minutes with no unidentified refusal; they are forgotten here.
    public func drain(endedBefore instant: Date, everything: Bool = false) -> [Summary] {
        let current = Self.minute(of: instant)
        return counts.withLock { counts in
            let ended = counts.filter { everything || $0.key.minute < current }
            for key in ended.keys { counts.removeValue(forKey: key) }
            return ended.values.filter { !$0.counts.isEmpty }.sorted { ($0.minute, $0.address) < ($1.minute, $1.address) }
        }
    }

    /// The addresses turned away in the minute of `instant`, with their refusals so far.
    public func turnedAway(at instant: Date) -> [String: Int] {
        let minute = Self.minute(of: instant)
        return counts.withLock { counts in
            var found: [String: Int] = [:]
            for (key, summary) in counts where key.minute == minute && summary.refused >= refusalsPerMinute {
                found[key.address] = summary.refused
            }
            return found
        }
    }

    private static func minute(of instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 / 60).rounded(.down))
    }
}
