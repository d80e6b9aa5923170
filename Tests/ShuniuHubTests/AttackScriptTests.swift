import Foundation
import ShuniuStore
import ShuniuTesting
import Testing

/// `Ops/attack.sh` replays the hardening cases against the real `shuniu serve` daemon, so that
/// what an attacker once did to the hub stays refused.
@Suite("The attack replay")
struct AttackScriptTests {
    @Test("Every case of Ops/attack.sh holds against a running daemon, and its refusals leave one summary entry")
    func attackHolds() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("var")
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log")) { daemon in
            let (status, output) = try await blocking {
                try ChildProcess.run("/bin/bash", [RepositoryPaths.root + "/Ops/attack.sh", daemon.baseURL, dataDir, "500"],
                                     directory: RepositoryPaths.root, environment: ["SHUNIU": RepositoryPaths.executable], timeout: 180)
            }
            #expect(status == 0, "\(output)")
            #expect(output.contains("cases held, 0 did not"), "\(output)")
            #expect(!output.contains("FAILED"), "\(output)")
            #expect(try await daemon.stop(signal: SIGTERM) == 0)
        }
        // Stopping wrote the minute's summary: the refused flood is one entry (two if a minute turned).
        let store = try HubStore(directory: dataDir, create: false)
        defer { try? store.close() }
        let summaries = try await store.auditEntries(limit: 10, action: "anonymous.refused")
        #expect((1...2).contains(summaries.count), "\(summaries.map(\.detail))")
        #expect(try await store.auditEntries(limit: 10, action: "ingest.refused").count < 10)
    }
}
