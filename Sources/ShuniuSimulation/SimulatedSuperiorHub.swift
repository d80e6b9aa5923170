import Foundation
import ShuniuClient
import ShuniuCore

/// A superior hub pulling the feed as a real one would: long-polls from its cursor, keeps every
/// version it receives, and carries on across the hub's restarts (connection refused, another
/// port) — its cursor is in a file, so it survives its own restarts too.
public actor SimulatedSuperiorHub {
    /// One version as received.
    public struct Received: Sendable, Hashable {
        public var sequence: Int64
        public var dataset: String
        public var key: String
        public var version: Int
    }

    private var client: ConsumerClient
    private let cursorFile: String
    public private(set) var received: [Received] = []
    /// Transport errors and non-200 answers seen (the hub restarting).
    public private(set) var failures = 0
    /// When each version arrived, by its sequence.
    public private(set) var arrivals: [Int64: ContinuousClock.Instant] = [:]

    public init(client: ConsumerClient, cursorFile: String) {
        self.client = client
        self.cursorFile = cursorFile
    }

    /// The cursor as persisted ("0" at first).
    public var cursor: String {
        (try? String(contentsOfFile: cursorFile, encoding: .utf8)) ?? "0"
    }

    /// Points it at the hub's new address.
    public func follow(baseURL: String) {
        client.baseURL = baseURL
    }

    /// Pulls until cancelled: pages of `limit`, holding each empty poll open `waitSeconds`.
    public func run(limit: Int = 1000, waitSeconds: Int = 5) async {
        while !Task.isCancelled {
            _ = await pullOnce(limit: limit, waitSeconds: waitSeconds)
        }
    }

    /// One request; returns how many versions it brought.
    @discardableResult
    public func pullOnce(limit: Int = 1000, waitSeconds: Int = 0) async -> Int {
        let status: Int
        let body: [UInt8]
        do {
            let answer = try await client.feed(after: cursor, limit: limit, waitSeconds: waitSeconds, timeoutSeconds: waitSeconds + 30)
            (status, body) = (answer.status, answer.body)
        } catch {
            failures += 1
            try? await Task.sleep(for: .milliseconds(100))
            return 0
        }
        guard status == 200, let page = try? JSONDecoder().decode(FeedPageBody.self, from: Data(body)) else {
            failures += 1
            try? await Task.sleep(for: .milliseconds(100))
            return 0
        }
        let now = ContinuousClock.now
        for version in page.versions {
            received.append(Received(sequence: version.sequence, dataset: version.dataset, key: version.key, version: version.version))
            arrivals[version.sequence] = now
        }
        // The cursor is saved only once the page is kept: a crash here re-reads the page, never skips it.
        try? page.next.write(toFile: cursorFile, atomically: true, encoding: .utf8)
        return page.versions.count
    }

    private struct FeedPageBody: Decodable {
        struct Version: Decodable {
            var sequence: Int64
            var dataset: String
            var key: String
            var version: Int
        }

        var versions: [Version]
        var next: String
        var more: Bool
    }
}
