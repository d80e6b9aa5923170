import Foundation
import ShuniuTesting
import Testing

/// `shuniu destinations list` says whether anything is delivered at all, and why a destination is held.
@Suite("destinations list shows the hub and a pause's reason")
struct DestinationsListTests {
    @Test("Paused: who, when (Beijing time) and why; the hub's state first, not running and then running")
    func pauseAndHub() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("var")
        _ = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        let config = folder.file("hub.yaml")
        try """
            storage: {dataDir: \(dataDir)}
            destinations:
              - {name: national, url: "http://127.0.0.1:9/records"}
              - {name: credit, url: "http://127.0.0.1:9/credit", format: shuniu-json}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let paused = try await CLI.run(["destinations", "pause", "national", "--config", config, "--operator", "wang.wu", "--reason", "upstream maintenance"])
        #expect(paused.status == 0, "\(paused.output)")

        let stopped = try await CLI.run(["destinations", "list", "--config", config])
        #expect(stopped.status == 0, "\(stopped.output)")
        let lines = stopped.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("hub: not running") == true, "\(stopped.output)")
        let national = try #require(lines.first { $0.hasPrefix("national ") }, "\(stopped.output)")
        #expect(national.range(of: #"paused by wang\.wu at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00: upstream maintenance$"#, options: .regularExpression) != nil, "\(national)")
        #expect(lines.first { $0.hasPrefix("credit ") }?.hasSuffix("running") == true, "\(stopped.output)")
        // Each destination's format: its file, or the hub's own JSON.
        #expect(national.contains("(hub JSON)") && lines.first { $0.hasPrefix("credit ") }?.contains("shuniu-json") == true, "\(stopped.output)")

        let json = try await CLI.run(["destinations", "list", "--config", config, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        #expect((object["hub"] as? [String: Any])?["running"] as? Bool == false)
        let first = try #require((object["destinations"] as? [[String: Any]])?.first)
        #expect(first["pausedBy"] as? String == "wang.wu" && first["pausedReason"] as? String == "upstream maintenance", "\(first)")
        #expect((first["pausedAt"] as? String)?.hasSuffix("+08:00") == true, "\(first)")
        #expect(first["format"] == nil && (object["destinations"] as? [[String: Any]])?.last?["format"] as? String == "shuniu-json", "\(json.output)")

        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log"), config: config) { daemon in
            let running = try await CLI.run(["destinations", "list", "--config", config])
            #expect(running.output.hasPrefix("hub: running, pid \(daemon.process.pid)"), "\(running.output)")
        }

        // Resumed: the pause and its reason are gone from the list, kept in the audit log.
        #expect(try await CLI.run(["destinations", "resume", "national", "--config", config]).status == 0)
        let resumed = try await CLI.run(["destinations", "list", "--config", config])
        #expect(resumed.output.split(separator: "\n").first { $0.hasPrefix("national ") }?.hasSuffix("running") == true, "\(resumed.output)")
        let audit = try await CLI.run(["audit", "list", "--data-dir", dataDir, "--json"])
        #expect(audit.output.contains("upstream maintenance"), "\(audit.output)")
    }
}
