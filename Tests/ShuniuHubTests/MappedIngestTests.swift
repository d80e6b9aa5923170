import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuMapping
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// A platform with a mapping file pushes its own payloads: the hub keeps them verbatim, maps,
/// validates and stores the records with the spec's and the mapping's versions.
@Suite("Ingest through mappings")
struct MappedIngestTests {
    static let mappedPlatform = PlatformID(rawValue: "E4201000003")!
    static let samplePayload = RepositoryPaths.root + "/Ops/samples/platforms/E4201000003/project.json"

    func payload(changing change: (inout [String: Any]) -> Void = { _ in }) throws -> [UInt8] {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.samplePayload))) as! [String: Any]
        change(&object)
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    func answer(_ response: ReceivedResponse) throws -> IngestAnswer {
        try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
    }

    /// A copy of the repository's Mappings folder that a test may change.
    func mappingsCopy(in folder: TemporaryDirectory) throws -> String {
        let copy = folder.path + "/Mappings"
        try FileManager.default.copyItem(atPath: RepositoryPaths.mappings, toPath: copy)
        return copy
    }

    @Test("A platform's own payload is mapped, validated and stored with spec and mapping versions; the payload is kept verbatim")
    func mappedPayloadStored() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(Self.mappedPlatform, in: hub.store)
            let body = try payload()

            let response = try await hub.client(credential).send(body: body)
            #expect(response.status == 200, "\(response.bodyText)")
            let result = try answer(response)
            #expect(result.rejected == 0, "\(response.bodyText)")
            #expect(Set(result.results.compactMap(\.dataset)).isSuperset(of: ["500", "501", "502"]))

            let project = try #require(try await hub.store.latestVersion(dataset: "500", key: "E4201000003000007"))
            #expect(project.specVersion == hub.hub.spec.version)
            #expect(project.mappingVersion == "2026-11-01")
            #expect(project.sourcePath == "$.project")
            #expect(project.normalizedPayload.contains(#""PROJECT_NAME":"武昌区示范中学改扩建工程""#))
            let section = try #require(try await hub.store.latestVersion(dataset: "502", key: "E4201000003000007001001"))
            #expect(section.sourcePath == "$.project.tenderProjects[0].sections[0]")
            #expect(section.normalizedPayload.contains(#""CONTRACT_RECKON_PRICE":"35805000""#))
            let payloadID = try #require(project.payloadID)
            let stored = try #require(try await hub.store.rawPayload(id: payloadID))
            #expect(stored.body == body)
            #expect(stored.format == "json")
            #expect(section.payloadID == project.payloadID)

            // The same payload again: every record a duplicate, nothing new stored.
            let again = try answer(try await hub.client(credential).send(body: body))
            #expect(again.duplicate == result.accepted && again.accepted == 0)
        }
    }

    @Test("A GBK-declared XML payload is stored byte for byte as sent, its records in UTF-8 as the spec's")
    func gbkPayloadStored() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(PlatformID(rawValue: "E4201000005")!, in: hub.store)
            let body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.root + "/Ops/samples/platforms/E4201000005/project-gbk.xml")))
            #expect(String(validating: body, as: UTF8.self) == nil, "the sample really is GBK")

            let response = try await hub.client(credential).send(body: body)
            #expect(response.status == 200, "\(response.bodyText)")
            #expect(try answer(response).accepted == 1, "\(response.bodyText)")
            let project = try #require(try await hub.store.latestVersion(dataset: "500", key: "E4201000005000022"))
            #expect(project.normalizedPayload.contains(#""PROJECT_NAME":"洪山区示范图书馆改造工程""#))
            let payloadID = try #require(project.payloadID)
            let stored = try #require(try await hub.store.rawPayload(id: payloadID))
            #expect(stored.body == body && stored.format == "xml")

            // A byte that is not GB 18030 refuses the payload, saying where.
            let broken = Array(body.prefix(200)) + [0xFF] + Array(body.dropFirst(200))
            let refused = try await hub.client(credential).send(body: broken)
            #expect(refused.status == 400 && refused.bodyText.contains("request.malformed_payload") && refused.bodyText.contains("0xFF is not GB 18030"), "\(refused.bodyText)")
        }
    }

    @Test("A data mistake is reported at the payload's own path; the payload's other records are stored")
    func dataMistakeAtPayloadPath() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(Self.mappedPlatform, in: hub.store)
            let body = try payload { object in
                var project = object["project"] as! [String: Any]
                var tenderProjects = project["tenderProjects"] as! [[String: Any]]
                var sections = tenderProjects[0]["sections"] as! [[String: Any]]
                sections[0]["estimateWan"] = "三千万"
                tenderProjects[0]["sections"] = sections
                tenderProjects[0]["organizeForm"] = "auction"
                project["tenderProjects"] = tenderProjects
                object["project"] = project
            }
            let response = try await hub.client(credential).send(body: body)
            let result = try answer(response)
            let problems = result.results.flatMap { $0.problems ?? [] }
            #expect(problems.contains { $0.path == "$.project.tenderProjects[0].sections[0].estimateWan" && $0.code == "mapping.transform" }, "\(problems)")
            #expect(problems.contains { $0.path == "$.project.tenderProjects[0].organizeForm" && $0.code == "mapping.value_unmapped" }, "\(problems)")
            #expect(try await hub.store.latestVersion(dataset: "500", key: "E4201000003000007") != nil)
            #expect(try await hub.store.latestVersion(dataset: "502", key: "E4201000003000007001001") == nil)
        }
    }

    @Test("A payload that does not read, or maps to nothing, is refused as a whole and audited")
    func unreadablePayloadRefused() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(Self.mappedPlatform, in: hub.store)

            let broken = try await hub.client(credential).send(body: Array(#"{"project": {"projectCode": "#.utf8))
            #expect(broken.status == 400)
            #expect(broken.bodyText.contains("request.malformed_payload"))
            let empty = try await hub.client(credential).send(body: Array(#"{"somethingElse": {}}"#.utf8))
            #expect(empty.status == 422, "\(empty.bodyText)")
            #expect(empty.bodyText.contains("request.nothing_mapped"))
            let audit = try await hub.store.auditEntries(limit: 5, action: "ingest.refused")
            #expect(Set(audit.map(\.outcome)).isSuperset(of: ["request.malformed_payload", "request.nothing_mapped"]))
            #expect(try await hub.store.versionCount() == 0)
        }
    }

    @Test("A platform without a mapping file still sends spec-shaped records")
    func unmappedPlatformUnchanged() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let credential = try await Fixtures.register(in: hub.store)
            let response = try await hub.client(credential).send(body: Fixtures.batch(Fixtures.sampleRecords()))
            #expect(response.status == 200, "\(response.bodyText)")
            let project = try #require(try await hub.store.latestVersion(dataset: "500", key: "E4201000001000001"))
            #expect(project.mappingVersion == nil && project.payloadID == nil)
        }
    }

    @Test("Reload swaps a mapping; a broken file is refused with its line and the previous version stays in force")
    func reloadKeepsPreviousOnError() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let mappings = try mappingsCopy(in: folder)
        try await RunningHub.withRunning(dataDir: folder.path + "/var", adjust: { $0.mappingsDir = mappings }) { hub in
            let credential = try await Fixtures.register(Self.mappedPlatform, in: hub.store)
            let file = mappings + "/platforms/E4201000003.yaml"
            let original = try String(contentsOfFile: file, encoding: .utf8)

            try original.replacingOccurrences(of: #"version: "2026-11-01""#, with: #"version: "2026-11-22""#)
                .write(toFile: file, atomically: true, encoding: .utf8)
            let swapped = hub.hub.mappings.reload()
            #expect(swapped.isClean && swapped.loaded["E4201000003"] == "2026-11-22")

            try original.replacingOccurrences(of: "PROJECT_NAME: {path: projectName, transform: trim}", with: "PROJECT_NAME: {path: projectName, transform: shout}")
                .replacingOccurrences(of: #"version: "2026-11-01""#, with: #"version: "2026-11-23""#)
                .write(toFile: file, atomically: true, encoding: .utf8)
            let refused = hub.hub.mappings.reload()
            let problem = try #require(refused.refused.first)
            #expect(problem.file == file)
            #expect(problem.line == 10)
            #expect(problem.message.contains("shout"))

            let response = try await hub.client(credential).send(body: try payload())
            #expect(response.status == 200, "\(response.bodyText)")
            let project = try #require(try await hub.store.latestVersion(dataset: "500", key: "E4201000003000007"))
            #expect(project.mappingVersion == "2026-11-22")
        }
    }

    @Test("A mapping file broken at start-up refuses that platform's payloads rather than misreading them")
    func brokenAtStartRefuses() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let mappings = try mappingsCopy(in: folder)
        try "platform: E4201000003\nversion: x\nrecords: 7\n".write(toFile: mappings + "/platforms/E4201000003.yaml", atomically: true, encoding: .utf8)
        try await RunningHub.withRunning(dataDir: folder.path + "/var", adjust: { $0.mappingsDir = mappings }) { hub in
            #expect(!hub.hub.mappingReport.isClean)
            let credential = try await Fixtures.register(Self.mappedPlatform, in: hub.store)
            let response = try await hub.client(credential).send(body: try payload())
            #expect(response.status == 503)
            #expect(response.bodyText.contains("platform.mapping_unavailable"))
        }
    }

    @Test("shuniu mappings reload signals the running daemon and prints what it did; audited")
    func reloadThroughCLI() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let mappings = try mappingsCopy(in: folder)
        let config = folder.path + "/shuniu.yaml"
        try "storage:\n  dataDir: \(folder.path)/var\npaths:\n  mappings: \(mappings)\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await HubProcess.withRunning(dataDir: folder.path + "/var", logFile: folder.path + "/hub.log", config: config) { daemon in

            let file = mappings + "/platforms/E4201000003.yaml"
            let original = try String(contentsOfFile: file, encoding: .utf8)
            try original.replacingOccurrences(of: #"version: "2026-11-01""#, with: #"version: "2026-11-30""#)
                .write(toFile: file, atomically: true, encoding: .utf8)
            let ok = try await CLI.run(["mappings", "reload", "--config", config, "--operator", "王工"])
            #expect(ok.status == 0, "\(ok.output)")
            #expect(ok.output.contains("E4201000003: version 2026-11-30 in force"), "\(ok.output)")

            try (original + "\nsurprise: 1\n").write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try await CLI.run(["mappings", "reload", "--config", config, "--operator", "王工"])
            #expect(refused.status != 0)
            #expect(refused.output.contains("surprise"), "\(refused.output)")

            let store = try HubStore(directory: folder.path + "/var", create: false)
            defer { try? store.close() }
            let requests = try await store.auditEntries(limit: 5, action: "mappings.reload.requested")
            #expect(requests.count == 2 && requests.allSatisfy { $0.actor == "王工" })
            let reloads = try await store.auditEntries(limit: 5, action: "mappings.reload")
            #expect(reloads.map(\.outcome).contains("refused"))
            #expect(try await daemon.stop(signal: SIGTERM) == 0)
        }
    }
}
