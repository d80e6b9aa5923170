import Foundation
import ShuniuTesting
import Testing

/// `shuniu serve` that cannot listen says where and why, in one line, and exits 1.
@Suite("serve's bind error names the address")
struct ServeBindErrorTests {
    private func expectOneLineFailure(_ outcome: CLI.Outcome, saying text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 1, "\(outcome.output)", sourceLocation: sourceLocation)
        #expect(outcome.output.contains("Error: \(text)"), "\(outcome.output)", sourceLocation: sourceLocation)
        for noise in ["bind(descriptor", "errno", "IOError", "Usage:"] {
            #expect(!outcome.output.contains(noise), "\(outcome.output)", sourceLocation: sourceLocation)
        }
    }

    @Test("A port another listener holds: '127.0.0.1:PORT is already in use'")
    func portInUse() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A real listener on an ephemeral loopback port: another hub, on another store.
        try await RunningHub.withRunning(dataDir: folder.file("first")) { holder in
            let outcome = try await CLI.run(["serve", "--data-dir", folder.file("second"), "--host", "127.0.0.1", "--port", String(holder.port)])
            expectOneLineFailure(outcome, saying: "127.0.0.1:\(holder.port) is already in use")
        }
    }

    @Test("An address that is not this machine's: 'is not available'")
    func addressNotAvailable() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // TEST-NET-1 (RFC 5737): never an address of this machine; the bind fails before any packet.
        let outcome = try await CLI.run(["serve", "--data-dir", folder.path, "--host", "192.0.2.1", "--port", "0"])
        expectOneLineFailure(outcome, saying: "192.0.2.1:0 is not available")
    }
}
