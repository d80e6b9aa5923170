import Foundation
import Logging
import ShuniuCore
import Synchronization

/// Logs refusal bursts once per change of state: when addresses start being turned away for
/// too many refusals (``RefusalTally``), and when a burst is over (an address not turned away
/// for `quietSeconds`), not once per refused request.
final class RefusalBurstLog: Sendable {
    let tally: RefusalTally
    let logger: Logger
    /// How long an address must go without being turned away before its burst is over.
    let quietSeconds: TimeInterval
    /// Addresses named in one line at most; the count says how many there are.
    static let namedAddresses = 20
    /// Bursting addresses and when each was last seen turned away.
    private let bursting = Mutex<[String: Date]>([:])

    init(tally: RefusalTally, logger: Logger, quietSeconds: TimeInterval = 60) {
        self.tally = tally
        self.logger = logger
        self.quietSeconds = quietSeconds
    }

    /// Compares the addresses turned away now with those already known, and logs what changed.
    func check(now: Date = Date()) {
        let turnedAway = tally.turnedAway(at: now)
        let (started, ended) = bursting.withLock { bursting -> ([String], [String]) in
            var started: [String] = []
            for address in turnedAway.keys {
                if bursting[address] == nil { started.append(address) }
                bursting[address] = now
            }
            let ended = bursting.filter { now.timeIntervalSince($0.value) >= quietSeconds }.map(\.key)
            for address in ended { bursting.removeValue(forKey: address) }
            return (started.sorted(), ended.sorted())
        }
        if !started.isEmpty {
            logger.warning("refusal burst: addresses turned away for too many refusals this minute", metadata: [
                "addresses": .array(started.prefix(Self.namedAddresses).map { .string($0) }),
                "count": "\(started.count)", "refusalsPerMinute": "\(tally.refusalsPerMinute)",
            ])
        }
        if !ended.isEmpty {
            logger.notice("refusal burst over", metadata: [
                "addresses": .array(ended.prefix(Self.namedAddresses).map { .string($0) }), "count": "\(ended.count)",
            ])
        }
    }
}
