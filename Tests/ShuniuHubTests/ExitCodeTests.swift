import Foundation
import ShuniuApp
import ShuniuTesting
import ShuniuTransport
import Testing

/// The documented exit codes, from the real executable: 0 ok, 1 failed or not valid, 2 not
/// found, 3 hub not running or store busy, 64 bad flags. Only 64 prints the usage line.
@Suite("Exit codes scripts can use")
struct ExitCodeTests {
    private func store() async throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory()
        let dataDir = folder.file("data")
        _ = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        return (folder, dataDir)
    }

    private func expectRuntimeFailure(_ outcome: CLI.Outcome, _ status: Int32, saying text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == status, "\(outcome.output)", sourceLocation: sourceLocation)
        #expect(outcome.output.contains("Error: "), "\(outcome.output)", sourceLocation: sourceLocation)
        #expect(outcome.output.contains(text), "\(outcome.output)", sourceLocation: sourceLocation)
        #expect(!outcome.output.contains("Usage:"), "a runtime error is followed by no usage line: \(outcome.output)", sourceLocation: sourceLocation)
    }

    @Test("0 when a command succeeds")
    func ok() async throws {
        let (folder, dataDir) = try await store()
        defer { folder.remove() }
        let shown = try await CLI.run(["platforms", "show", "--data-dir", dataDir, Fixtures.platformID.rawValue])
        #expect(shown.status == 0, "\(shown.output)")
    }

    @Test("1 when a command fails: push without a secret, a runtime ValidationError")
    func failed() async throws {
        let (folder, dataDir) = try await store()
        defer { folder.remove() }
        let push = try await CLI.run(["push", "--app-key", "demo-platform-key", RepositoryPaths.sample("first-batch.json")])
        expectRuntimeFailure(push, 1, saying: "app secret")
        // An error of the store (not a CLIFailure) exits 1 as well, without the usage line.
        expectRuntimeFailure(try await CLI.run(["restore", "--data-dir", dataDir, folder.file("missing.sqlite")]), 1, saying: "missing.sqlite")
    }

    @Test("2 when what was asked for does not exist: a record, a platform, a dataset")
    func notFound() async throws {
        let (folder, dataDir) = try await store()
        defer { folder.remove() }
        expectRuntimeFailure(try await CLI.run(["records", "show", "--data-dir", dataDir, "500", "NOPE"]), 2, saying: "no record 500 NOPE")
        expectRuntimeFailure(try await CLI.run(["platforms", "show", "--data-dir", dataDir, "E4201000099"]), 2, saying: "no platform E4201000099")
        expectRuntimeFailure(try await CLI.run(["spec", "show", "999"]), 2, saying: "no dataset 999")
    }

    @Test("3 when the hub must run and does not")
    func hubNotRunning() async throws {
        let (folder, dataDir) = try await store()
        defer { folder.remove() }
        expectRuntimeFailure(try await CLI.run(["mappings", "reload", "--data-dir", dataDir]), 3, saying: "no hub runs on \(dataDir)")
    }

    @Test("64 with the usage line for a bad flag, and only then")
    func usage() async throws {
        let unknownFlag = try await CLI.run(["status", "--no-such-flag"])
        #expect(unknownFlag.status == 64, "\(unknownFlag.output)")
        #expect(unknownFlag.output.contains("Usage:"), "\(unknownFlag.output)")
        let badPort = try await CLI.run(["serve", "--port", "70000"])
        #expect(badPort.status == 64, "\(badPort.output)")
        #expect(badPort.output.contains("Usage:"), "\(badPort.output)")
    }

    @Test("The help lists the exit codes")
    func helpListsCodes() async throws {
        let help = try await CLI.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("2 not found"), "\(help.output)")
        #expect(help.output.contains("64 bad flags"), "\(help.output)")
    }

    @Test("--version and version --json name the version, commit, spec, Swift and OpenSSL")
    func version() async throws {
        let short = try await CLI.run(["--version"])
        #expect(short.status == 0, "\(short.output)")
        #expect(short.output.trimmingCharacters(in: .whitespacesAndNewlines) == "shuniu \(BuildInfo.version) (commit \(BuildInfo.commit))")

        let long = try await CLI.run(["version", "--json"])
        #expect(long.status == 0, "\(long.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(long.output.utf8)) as? [String: String])
        #expect(report["version"] == BuildInfo.version)
        #expect(report["commit"] == BuildInfo.commit)
        let spec = try RepositoryPaths.loadedSpec().version
        #expect(report["spec"] == spec)
        #expect(report["swift"]?.hasPrefix("6.") == true, "\(report)")
        #expect(report["openssl"]?.hasPrefix("OpenSSL 3") == true || report["openssl"]?.contains("Tongsuo") == true, "\(report)")
    }

    @Test("status --json says whether the hub runs, with its pid, version and uptime")
    func statusJSON() async throws {
        let (folder, dataDir) = try await store()
        defer { folder.remove() }
        struct View: Decodable {
            struct Hub: Decodable { var running: Bool; var pid: Int32?; var version: String?; var uptimeSeconds: Int? }
            var hub: Hub
        }
        let stopped = try await CLI.run(["status", "--json", "--data-dir", dataDir])
        #expect(stopped.status == 0, "\(stopped.output)")
        let before = try JSONDecoder().decode(View.self, from: Data(stopped.output.utf8))
        #expect(!before.hub.running && before.hub.pid == nil)

        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log")) { daemon in
            let running = try await CLI.run(["status", "--json", "--data-dir", dataDir])
            #expect(running.status == 0, "\(running.output)")
            let view = try JSONDecoder().decode(View.self, from: Data(running.output.utf8))
            #expect(view.hub.running)
            #expect(view.hub.pid == daemon.process.pid)
            #expect(view.hub.version == BuildInfo.version)
            #expect((view.hub.uptimeSeconds ?? -1) >= 0)

            let metrics = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: daemon.baseURL + "/metrics")).bodyText
            let spec = try RepositoryPaths.loadedSpec().version
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("shuniu_build_info{") }
            #expect(line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } == 1, "\(metrics)")
            for label in ["version=\"\(BuildInfo.version)\"", "commit=\"\(BuildInfo.commit)\"", "spec=\"\(spec)\""] {
                #expect(line?.contains(label) == true, "\(line ?? "no shuniu_build_info")")
            }
        }
    }
}
