import Foundation
import ShuniuCore

// SCAFFOLD: every method below is to be built.
extension PostgresStore: QueueAdministration {
    public func queueStats(destinations: [String], now: Date) async throws -> [QueueStats] { throw Self.notYet("queueStats") }
    public func waitingDeliveries(destination: String, limit: Int) async throws -> [WaitingDelivery] { throw Self.notYet("waitingDeliveries") }
    public func queuedDestinations() async throws -> [String] { throw Self.notYet("queuedDestinations") }
    public func deadLetters(_ filter: DeadLetterFilter, limit: Int) async throws -> [DeadLetter] { throw Self.notYet("deadLetters") }
    public func deadLetter(id: Int64) async throws -> DeadLetter? { throw Self.notYet("deadLetter") }
    public func retryDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String) async throws -> Int { throw Self.notYet("retryDeadLetters") }
    public func discardDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String, reason: String?) async throws -> Int { throw Self.notYet("discardDeadLetters") }
    public func replay(_ selection: ReplaySelection, routed: (@Sendable (ReplayCandidate) -> Bool)?, by operatorName: String) async throws -> ReplayOutcome { throw Self.notYet("replay") }
    public func setDestinationPaused(_ destination: String, paused: Bool, by operatorName: String, reason: String?) async throws { throw Self.notYet("setDestinationPaused") }
}
