import ArgumentParser
import Foundation
@testable import ShuniuCLI
import ShuniuCore
import ShuniuSpec
import ShuniuStore
import ShuniuTesting
import Testing

/// CLI commands parsed and run as an operator would type them, against a real store.
@Suite("Operator CLI")
struct CLITests {
    func run(_ arguments: [String]) async throws {
        try await InProcessCommand.run(arguments)
    }

    @Test("platforms add, suspend and resume change the registry and are audited with the operator's name")
    func platformLifecycle() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await run(["platforms", "add", "--data-dir", folder.path, "--operator", "zhang.san", "--id", "E4201000009",
                       "--name", "示范平台", "--certified-until", "2027-06-30", "--datasets", "500, 501", "--json"])
        try await run(["platforms", "suspend", "E4201000009", "--data-dir", folder.path, "--operator", "li.si", "--reason", "vendor request"])
        try await run(["platforms", "list", "--data-dir", folder.path])
        try await run(["platforms", "show", "E4201000009", "--data-dir", folder.path, "--json"])

        let store = try HubStore(directory: folder.path)
        defer { try? store.close() }
        var platform = try #require(try await store.platform(PlatformID(rawValue: "E4201000009")!))
        #expect(platform.status == .suspended)
        #expect(platform.allowedDatasets == ["500", "501"])
        #expect(platform.certifiedUntil.description == "2027-06-30")
        #expect(platform.appKey.hasPrefix("ak"))

        try await run(["platforms", "resume", "E4201000009", "--data-dir", folder.path, "--operator", "li.si"])
        platform = try #require(try await store.platform(PlatformID(rawValue: "E4201000009")!))
        #expect(platform.status == .active)

        let audit = try await store.auditEntries(limit: 10)
        #expect(audit.map(\.action) == ["platform.resume", "platform.suspend", "platform.add"])
        #expect(audit.map(\.actor) == ["li.si", "li.si", "zhang.san"])
        #expect(audit[1].detail.contains("vendor request"))
        #expect(try await store.verifyAuditChain().intact)
    }

    @Test("A suspension from the CLI takes effect on the running daemon at once, and a resume lifts it")
    func suspendWhileRunning() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: 1))).status == 200)
            try await run(["platforms", "suspend", Fixtures.platformID.rawValue, "--data-dir", folder.path, "--reason", "test"])
            let refused = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: 2)))
            #expect(refused.status == 403)
            #expect(refused.bodyText.contains("platform.suspended"))
            try await run(["platforms", "resume", Fixtures.platformID.rawValue, "--data-dir", folder.path])
            #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 1, start: 3))).status == 200)
            #expect(try await hub.store.versionCount() == 2)
        }
    }

    @Test("queues, destinations, replay and dead-letters run from a configuration file and audit what they change")
    func deliveryCommands() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let config = folder.file("hub.yaml")
        try """
            storage:
              dataDir: \(folder.file("var"))
            destinations:
              - name: national
                kind: national-hub
                url: http://127.0.0.1:9/records
            routes:
              - destination: national
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = try HubStore(directory: folder.file("var"))
        let credential = try await Fixtures.register(in: store)
        try store.close()
        _ = credential

        try await run(["queues", "--config", config])
        try await run(["queues", "--config", config, "--json"])
        try await run(["destinations", "list", "--config", config])
        try await run(["destinations", "pause", "national", "--config", config, "--operator", "ops", "--reason", "upstream maintenance"])
        await #expect(throws: (any Error).self) { try await run(["destinations", "pause", "nowhere", "--config", config]) }
        try await run(["replay", "--config", config, "--destination", "national", "--since", "7d", "--dataset", "500"])
        await #expect(throws: (any Error).self) { try await run(["replay", "--config", config, "--destination", "national", "--since", "yesterday"]) }
        try await run(["dead-letters", "list", "--config", config, "--destination", "national", "--since", "2026-01-01"])
        await #expect(throws: (any Error).self) { try await run(["dead-letters", "retry", "--config", config]) }
        try await run(["dead-letters", "discard", "--config", config, "--all-matching", "--error", "nothing like this", "--reason", "test"])

        let reopened = try HubStore(directory: folder.file("var"))
        defer { try? reopened.close() }
        let stats = try await reopened.queueStats(destinations: ["national"])
        #expect(stats.first?.paused == true && stats.first?.pausedBy == "ops")
        let actions = try await reopened.auditEntries(limit: 10).map(\.action)
        #expect(actions.contains("destination.pause") && actions.contains("delivery.replay") && actions.contains("dead-letter.discard"))
    }

    @Test("spec show lists datasets and one dataset's fields; an unknown dataset is refused")
    func specShow() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let config = folder.file("hub.yaml")
        try "paths:\n  mappings: \(RepositoryPaths.mappings)\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await run(["spec", "show", "--config", config])
        try await run(["spec", "show", "503", "--config", config, "--json"])
        let notice = try await CLI.run(["spec", "show", "503", "--config", config])
        #expect(notice.output.contains("key: TENDER_PROJECT_CODE + DATA_KEY, duplicate check: NOTICE_NAME + URL + NOTICE_NATURE + BULLETIN_TYPE"), "\(notice.output)")
        await #expect(throws: (any Error).self) { try await run(["spec", "show", "999", "--config", config]) }
    }

    @Test("spec show names the national edition, each dataset's source, and one dataset's deviations with their reasons")
    func specShowSourcesAndDeviations() async throws {
        let spec = try RepositoryPaths.loadedSpec()
        let overview = try await CLI.run(["spec", "show"])
        #expect(overview.status == 0, "\(overview.output)")
        #expect(overview.output.contains("national spec \(try #require(spec.edition))"))
        let generated = try #require(spec.datasets.values.first { $0.origin == .generated })
        let maintained = try #require(spec.datasets.values.first { $0.origin == .maintained })
        for dataset in [generated, maintained] {
            let row = overview.output.split(separator: "\n").first { $0.hasPrefix("\(dataset.dataset.rawValue) ") }
            let count = spec.deviations[dataset.dataset]?.count ?? 0
            let lastTwo = row.map { $0.split(separator: " ").suffix(2).map(String.init) }
            #expect(lastTwo == [dataset.origin.rawValue, String(count)], "\(String(describing: row))")
        }
        let (id, deviations) = try #require(spec.deviations.min { $0.key < $1.key })
        let detail = try await CLI.run(["spec", "show", id.rawValue])
        #expect(detail.status == 0)
        for deviation in deviations {
            #expect(detail.output.contains("\(deviation.field) \(deviation.what): spec \(deviation.spec), ours \(deviation.ours) — \(deviation.reason)"))
        }
        let json = try await CLI.run(["spec", "show", id.rawValue, "--json"])
        #expect(json.output.contains("\"source\"") && json.output.contains(deviations[0].reason))
    }

    @Test("mappings check passes the shipped files; mappings test maps a sample and fails on bad data")
    func mappingsCommands() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let config = folder.file("hub.yaml")
        try "paths:\n  mappings: \(RepositoryPaths.mappings)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let sample = RepositoryPaths.root + "/Ops/samples/platforms/E4201000003/project.json"
        try await run(["mappings", "check", "--config", config])
        try await run(["mappings", "test", "--config", config, "--platform", "E4201000003", sample, "--json"])
        let broken = folder.file("broken.json")
        try String(contentsOfFile: sample, encoding: .utf8).replacingOccurrences(of: "\"open\"", with: "\"sealed\"")
            .replacingOccurrences(of: "\"mode\"", with: "\"modeX\"").replacingOccurrences(of: "\"420106\"", with: "\"429999\"")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        await #expect(throws: ExitCode.self) { try await run(["mappings", "test", "--config", config, "--platform", "E4201000003", broken]) }
        let badMapping = folder.file("bad.yaml")
        try "platform: E4201000003\nversion: x\nrecords:\n  - dataset: \"500\"\n    fields: {NOPE: a}\n".write(toFile: badMapping, atomically: true, encoding: .utf8)
        await #expect(throws: ExitCode.self) { try await run(["mappings", "check", "--config", config, badMapping]) }

        // --json names the files that passed beside the problems of those that did not.
        let good = RepositoryPaths.mappings + "/platforms/E4201000003.yaml"
        let checked = try await CLI.run(["mappings", "check", "--json", good, badMapping])
        #expect(checked.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(checked.output.utf8)) as? [String: Any], "\(checked.output)")
        #expect((report["passed"] as? [[String: Any]])?.map { $0["file"] as? String } == [good])
        #expect((report["problems"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test("queues --watch into a pipe or file writes each sample as it is taken, not at exit")
    func queuesWatchPiped() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try HubStore(directory: folder.path).close()
        let output = folder.file("watch.out")
        try await ChildProcess.withRunning(RepositoryPaths.executable, ["queues", "--watch", "--data-dir", folder.path],
                                           directory: RepositoryPaths.root, environment: CLI.environment(), outputFile: output) { _ in
            let sampled = await eventually(timeout: .seconds(10)) {
                ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("no destinations configured")
            }
            #expect(sampled)
            #expect(((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("\u{1B}[2J") == false, "no screen clearing outside a terminal")
        }
    }

    @Test("certs list with no CA says how to add one")
    func certsListEmpty() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let listed = try await CLI.run(["certs", "list", "--certs", folder.path])
        #expect(listed.status == 0 && listed.output.contains("no CA is recognized in \(folder.path)") && listed.output.contains("Certs/README.md"), "\(listed.output)")
    }

    @Test("Tables line up Chinese and Latin text by display width")
    func tableWidths() {
        let table = Output.table(["A", "B"], [["招标项目", "x"], ["≤200", "y"]])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.map { Output.width(of: String($0.dropLast())) } == [10, 10, 10])
    }

    @Test("shuniu demo runs the whole loop on loopback and stops by itself")
    func demo() async throws {
        let outcome = try await CLI.run(["demo", "--duration", "1", "--fail-for", "1", "--mappings", RepositoryPaths.mappings,
                                         "--samples", RepositoryPaths.root + "/Ops/samples/platforms"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("received upstream:"))
        // The superior hub pulled what the hub holds, and the connector fetched from the platform's API.
        #expect(!outcome.output.contains("through the feed: 0 versions") && outcome.output.contains("through the feed:"), "\(outcome.output)")
        #expect(!outcome.output.contains("pull connector: 0 records") && outcome.output.contains("pull connector:"), "\(outcome.output)")
        // A blacklist entry's withdrawal, routed to the credit platform, followed the entry to the Hubei supervisor.
        #expect(outcome.output.contains("supervision-hubei: the entry and its withdrawal") && outcome.output.contains("followed the entry to supervision-hubei"), "\(outcome.output)")
        // Hubei's projects reached the provincial receiver in its own protocol, none refused.
        #expect(outcome.output.range(of: #"hubei-ggzy \(SOAP, one record per call\): [1-9][0-9]* records held by DATA_KEY after [0-9]+ calls, 0 refused"#, options: .regularExpression) != nil, "\(outcome.output)")
    }

    @Test("Bad arguments are refused before anything is written", arguments: [
        ["--id", "e4201000009", "--name", "x", "--certified-until", "2027-06-30", "--datasets", "500"],
        ["--id", "E4201000009", "--name", "x", "--certified-until", "2027-02-30", "--datasets", "500"],
        ["--id", "E4201000009", "--name", " ", "--certified-until", "2027-06-30", "--datasets", "500"],
        ["--id", "E4201000009", "--name", "x", "--certified-until", "2027-06-30", "--datasets", ","],
    ])
    func badArguments(arguments: [String]) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        await #expect(throws: (any Error).self) {
            try await run(["platforms", "add", "--data-dir", folder.path] + arguments)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file(HubStore.fileName)))
    }

    @Test("Registering the same platform twice is refused")
    func duplicatePlatform() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let arguments = ["platforms", "add", "--data-dir", folder.path, "--id", "E4201000009", "--name", "x",
                         "--certified-until", "2027-06-30", "--datasets", "500"]
        try await run(arguments)
        await #expect(throws: StoreError.self) { try await run(arguments) }
    }

    @Test("Read-only commands on a missing store say so and create nothing")
    func missingStore() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("typo")
        for command in [["status"], ["platforms", "list"], ["audit", "list"]] {
            await #expect(throws: StoreError.self) { try await run(command + ["--data-dir", dataDir]) }
        }
        #expect(!FileManager.default.fileExists(atPath: dataDir))
    }

    @Test("A new store is readable by its owner only: it holds app secrets")
    func storePermissions() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // The configured folder is made (a --data-dir must exist already).
        let dataDir = folder.file("var")
        try "storage:\n  dataDir: \(dataDir)\n".write(toFile: folder.file("shuniu.yaml"), atomically: false, encoding: .utf8)
        try await run(["platforms", "add", "--config", folder.file("shuniu.yaml"), "--id", "E4201000009", "--name", "x",
                       "--certified-until", "2027-06-30", "--datasets", "500"])
        let directoryMode = try FileManager.default.attributesOfItem(atPath: dataDir)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: dataDir + "/" + HubStore.fileName)[.posixPermissions] as? Int
        #expect(directoryMode == 0o700)
        #expect(fileMode == 0o600)
    }

    @Test("Suspending an unknown platform says so")
    func unknownPlatform() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        await #expect(throws: (any Error).self) {
            try await run(["platforms", "suspend", "E4201000404", "--data-dir", folder.path])
        }
    }

    @Test("status and audit run against a store with data; audit verify detects tampering")
    func statusAndAudit() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(in: hub.store)
            #expect(try await hub.client(credential).send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
        }

        try await run(["status", "--data-dir", folder.path])
        try await run(["status", "--data-dir", folder.path, "--json"])
        try await run(["audit", "list", "--data-dir", folder.path])
        try await run(["audit", "verify", "--data-dir", folder.path])

        try StoreTampering.rewriteAuditActor(databasePath: folder.file(HubStore.fileName), id: 1, actor: "someone-else")
        await #expect(throws: ExitCode.self) { try await run(["audit", "verify", "--data-dir", folder.path]) }
    }
}
