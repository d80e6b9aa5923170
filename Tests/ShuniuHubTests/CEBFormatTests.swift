import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuMapping
import ShuniuSimulation
import ShuniuSpec
import ShuniuTesting
import Testing

/// The shipped `ceb-xml` destination format: the hub's records as the national CEB business
/// objects, checked against `Mappings/destinations/ceb/objects.yaml` and sent to a receiver that
/// checks them too.
@Suite("The ceb-xml destination format")
struct CEBFormatTests {
    static let schema: CEBObjectSchema = {
        do {
            return try CEBObjectSchema.load(file: RepositoryPaths.root + "/" + CEBObjectSchema.repositoryPath)
        } catch {
            fatalError("\(error)")
        }
    }()

    /// Each dataset the format carries, with its object.
    static let objects: [(dataset: String, object: String)] = [
        ("500", "Project"), ("501", "TenderProject"), ("502", "BidSection"), ("503", "TenderBulletin"),
        ("506", "OpenBidRecord"), ("511", "WinCandidateBulletin"), ("513", "WinBidBulletin"),
    ]

    /// The elements the spec's records cannot fill: values of another record (501's tenderer and name).
    static let knownGaps: [String: Set<String>] = [
        "BidSection": ["tendererCodeType", "tendererCode", "tendererName", "tendererBasicInfoVersion"],
        "WinCandidateBulletin": ["tenderProjectName"],
        "WinBidBulletin": ["tenderProjectName"],
    ]

    static let receivedAt = Date(timeIntervalSince1970: 1_780_000_000)
    /// When the renderer tests send: CEB's `version` is the time of sending.
    static let sentAt = Date(timeIntervalSince1970: 1_780_000_123)

    /// A delivery of the first valid fixture record of `dataset`.
    static func delivery(_ dataset: String, id: Int64, changing changes: [String: Any] = [:], operation: RecordOperation = .insert) throws -> ClaimedDelivery {
        let record = try Fixtures.datasetRecord(dataset, changing: changes)
        let fields = String(decoding: try JSONSerialization.data(withJSONObject: record["data"] as! [String: Any], options: [.sortedKeys]), as: UTF8.self)
        return ClaimedDelivery(id: id, attempts: 0, version: StoredVersion(
            sequence: id, hubId: id, dataset: DatasetID(dataset), businessKey: "K\(id)", version: 1, sourcePlatform: Fixtures.platformID.rawValue,
            regionCode: "420102", rawPayload: fields, normalizedPayload: fields, contentHash: "c0ffee\(id)", specVersion: "2.0",
            receivedAt: receivedAt, flags: nil, extra: nil, dataKey: record["dataKey"] as? String, operation: operation
        ))
    }

    static func renderer() throws -> DestinationRenderer {
        let spec = try RepositoryPaths.loadedSpec()
        let format = try DestinationFormatLoader.load(file: RepositoryPaths.mappings + "/destinations/ceb-xml.yaml", spec: spec)
        return DestinationRenderer(format: format, settings: [:], spec: spec, now: { sentAt })
    }

    /// The element names `object` puts in this order, for the elements `present` (a choice: the branch present).
    static func expectedOrder(of object: CEBObject, present: Set<String>) -> [String] {
        object.items.flatMap { item -> [String] in
            switch item {
            case .element(let rule): return [rule.name]
            case .choice(let branches): return (branches.first { $0.contains { present.contains($0.name) } } ?? branches[0]).map(\.name)
            }
        }
    }

    @Test("Each dataset's document is its CEB object: every element in the schema's order, valid but for the values the dataset does not hold")
    func documentsFollowTheSchema() throws {
        let renderer = try Self.renderer()
        for (index, (dataset, name)) in Self.objects.enumerated() {
            let object = try #require(Self.schema.object(named: name))
            let rendering = renderer.requests(for: [try Self.delivery(dataset, id: Int64(index + 1))], sendingAs: [:])
            #expect(rendering.failures.isEmpty, "\(dataset): \(rendering.failures)")
            let request = try #require(rendering.requests.first)
            #expect(request.path == "/ceb/\(name)")
            #expect(request.headers.first { $0.name == "Content-Type" }?.value == "application/xml; charset=utf-8")
            let root = try OrderedXMLReader.read(request.body)
            #expect(root.name == "DataList" && root.children.count == 1)
            let element = try #require(root.children.first)
            #expect(element.name == object.element)
            let names = element.children.map(\.name)
            #expect(names == Self.expectedOrder(of: object, present: Set(names)), "\(name)")
            #expect(element.child("version")?.text == SpecTime.text(Self.sentAt))
            let problems = object.problems(in: element, path: "/" + element.name)
            let gaps = Set(problems.map { String($0.path.split(separator: "/").last ?? "") })
            #expect(gaps == Self.knownGaps[name] ?? [], "\(name): \(problems.map(\.description))")
        }
    }

    @Test("Codes and units are translated; a value CEB has no code for, and a delete, cannot be put in the format")
    func translationsAndRefusals() throws {
        let renderer = try Self.renderer()
        let section = renderer.requests(for: [try Self.delivery("502", id: 1, changing: ["PRICE_UNIT": "1"])], sendingAs: [:])
        let sectionBody = try #require(section.requests.first).body
        let element = try #require(try OrderedXMLReader.read(sectionBody).children.first)
        #expect(element.child("priceUnit")?.text == "2" && element.child("contractReckonPrice")?.text == "35800000.00")
        let project = renderer.requests(for: [try Self.delivery("500", id: 2)], sendingAs: [:])
        let projectBody = try #require(project.requests.first).body
        let fields = try #require(try OrderedXMLReader.read(projectBody).children.first)
        #expect(fields.child("connector")?.text == "张工" && fields.child("priceUnit")?.text == "1" && fields.child("investmentAmount")?.text == "")

        // The public service platform's code is the destination's optional setting.
        let withSetting = DestinationRenderer(format: renderer.format, settings: ["pubServicePlatCode": "P4200000001"], spec: try RepositoryPaths.loadedSpec())
        let tenderBody = try #require(withSetting.requests(for: [try Self.delivery("501", id: 6)], sendingAs: [:]).requests.first).body
        let tender = try #require(try OrderedXMLReader.read(tenderBody).children.first)
        #expect(tender.child("pubServicePlatCode")?.text == "P4200000001" && tender.child("platformCode")?.text == "E4201000001")
        #expect(tender.child("tenderProjectClassifyCode")?.text == "A010000")

        let odd = renderer.requests(for: [try Self.delivery("501", id: 3, changing: ["TENDER_MODE": "7"])], sendingAs: [:])
        #expect(odd.requests.isEmpty && odd.failures.first?.message.contains("'7' has no translation") == true, "\(odd.failures)")
        let tombstone = renderer.requests(for: [try Self.delivery("500", id: 4, operation: .delete)], sendingAs: [:])
        #expect(tombstone.requests.isEmpty && tombstone.failures.first?.message.contains("'delete' has no translation") == true, "\(tombstone.failures)")
        let candidate = renderer.requests(for: [try Self.delivery("510", id: 5)], sendingAs: [:])
        #expect(candidate.failures.first?.message.contains("carries no record of dataset 510") == true)
    }

    @Test("The receiver's Result reads as accepted, rejected with its message, a DUPLICATE (a push in the same second) retried; an answer that is no Result is retried")
    func answers() throws {
        let renderer = try Self.renderer()
        let request = try #require(renderer.requests(for: [try Self.delivery("500", id: 9)], sendingAs: [:]).requests.first)
        func result(_ success: String, _ code: String, _ message: String) -> [UInt8] {
            Array(#"<?xml version="1.0" encoding="UTF-8"?><Result><success>\#(success)</success><errorCode>\#(code)</errorCode><errorMessage>\#(message)</errorMessage></Result>"#.utf8)
        }
        #expect(renderer.answers(result("true", "", ""), to: request) == [9: .accepted])
        #expect(renderer.answers(result("true", "DUPLICATE", "not newer"), to: request) == [9: .retry("DUPLICATE: not newer")])
        #expect(renderer.answers(result("false", "PATTERN", "/project/regionCode: bad"), to: request) == [9: .rejected("PATTERN: /project/regionCode: bad")])
        #expect(renderer.answers(Array("<html>busy</html".utf8), to: request) == [9: .retry(nil)])
    }

    @Test("A hub delivers to a CEB receiver: each object kept at its latest version; refusals, gaps and deletes are dead letters with the reason; mappings test shows the document")
    func deliversToTheReceiver() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try await SimulatedCEBReceiver.start(schema: Self.schema)
        let root = "http://127.0.0.1:\(receiver.port)"
        try await RunningHub.withRunning(dataDir: folder.path, adjust: { configuration in
            configuration.destinations = [Destination(name: "ceb", url: root, batchSize: 20, retrySchedule: [1], format: "ceb-xml")]
            configuration.routing = RoutingTable(routes: [Route(destination: "ceb", datasets: Set(Self.objects.map { DatasetID($0.dataset) }))])
        }) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store, datasets: hub.hub.spec.datasets.keys.sorted()))
            let sectionOnly = ["BID_SECTION_CODES": "E4201000001000001001001", "UNIFIED_DEAL_CODES": "E420100000100000100100120261105000000001"]
            let records = try Fixtures.sampleRecords() + [
                Fixtures.datasetRecord("506", changing: sectionOnly), Fixtures.datasetRecord("510"),
                Fixtures.datasetRecord("511"), Fixtures.datasetRecord("513"),
            ]
            let sent = try await client.send(body: Fixtures.batch(records))
            #expect(sent.status == 200)
            #expect(try JSONDecoder().decode(IngestAnswer.self, from: Data(sent.body)).accepted == records.count, "\(sent.bodyText)")
            // 510 is not routed; 502, 511 and 513 lack values of another record (see ceb-xml.yaml).
            try #require(try await eventually { let stats = try await hub.store.queueStats(destinations: ["ceb"])[0]; return stats.delivered == 4 && stats.dead == 3 })
            let project = try #require(receiver.held("Project", key: "E4201000001000001"))
            #expect(receiver.held("TenderProject", key: "E4201000001000001001") != nil)
            #expect(receiver.held("TenderBulletin", key: "ZB-2026-0001") != nil)
            #expect(receiver.held("OpenBidRecord", key: "\(Fixtures.platformID)-506-0001") != nil)
            #expect(receiver.heldCount == 4)
            #expect(receiver.received.allSatisfy { $0.target.hasPrefix("/ceb/") && $0.answer?.status == 200 })
            let stored = try #require(try await hub.store.versions(dataset: "500", key: "E4201000001000001").last)
            #expect(project.version >= SpecTime.text(stored.receivedAt))
            let gaps = try await hub.store.deadLetters(DeadLetterFilter(destination: "ceb"))
            #expect(Set(gaps.map(\.dataset)) == ["502", "511", "513"])
            #expect(gaps.first { $0.dataset == "502" }?.lastError?.contains("tendererCodeType") == true, "\(gaps.map(\.lastError))")
            #expect(gaps.first { $0.dataset == "513" }?.upstreamResponse?.contains("tenderProjectName") == true, "\(gaps.map(\.upstreamResponse))")

            // A second version replaces the first, even pushed within the same second as the first
            // was: the receiver's DUPLICATE is retried, a second later, with a newer version.
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "示范学校新建工程（第二版）"])])).status == 200)
            try #require(try await eventually { receiver.held("Project", key: "E4201000001000001")?.value("projectName") == "示范学校新建工程（第二版）" })
            let second = try #require(receiver.held("Project", key: "E4201000001000001"))
            #expect(second.version > project.version)
            #expect(Self.schema.object(named: "Project")?.problems(in: second.element, path: "/project").isEmpty == true)

            // A document the receiver refuses is a dead letter with its message; it keeps the version it had.
            receiver.behave(.refuse(next: 1))
            #expect(try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "第三版"])])).status == 200)
            try #require(try await eventually { try await hub.store.queueStats(destinations: ["ceb"])[0].dead == 4 })
            let refused = try #require(try await hub.store.deadLetters(DeadLetterFilter(destination: "ceb", dataset: "500")).first)
            #expect(refused.version == 3 && refused.lastError?.contains("REFUSED: refused on command") == true, "\(refused)")
            #expect(receiver.held("Project", key: "E4201000001000001")?.version == second.version)

            // CEB has no delete: a tombstone goes dead with the reason, and nothing is sent.
            let requests = receiver.received.count
            let deletion: [String: Any] = ["dataset": "506", "dataKey": "\(Fixtures.platformID)-506-0001", "operation": "delete"]
            #expect(try await client.send(body: Fixtures.batch([deletion])).status == 200)
            try #require(try await eventually { try await hub.store.queueStats(destinations: ["ceb"])[0].dead == 5 })
            let tombstone = try #require(try await hub.store.deadLetters(DeadLetterFilter(destination: "ceb", dataset: "506")).first)
            #expect(tombstone.lastError?.contains("'delete' has no translation") == true, "\(tombstone)")
            #expect(receiver.received.count == requests)

            // The operator sees the document, personal fields masked, nothing sent.
            let config = folder.file("hub.yaml")
            try """
                paths: {mappings: \(RepositoryPaths.mappings)}
                storage: {dataDir: \(hub.dataDir)}
                destinations:
                  - {name: ceb, url: "\(root)", format: ceb-xml}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let shown = try await CLI.run(["mappings", "test", "--config", config, "--destination", "ceb", "500", "E4201000001000001"])
            #expect(shown.status == 0, "\(shown.output)")
            #expect(shown.output.contains(#"<DataList><project><projectCode>E4201000001000001</projectCode>"#), "\(shown.output)")
            #expect(shown.output.contains("<projectName>第三版</projectName>") && !shown.output.contains("<connector>张工</connector>"), "\(shown.output)")
            #expect(shown.output.contains("this format cannot carry: deletes") && shown.output.contains("nothing was sent"))
            #expect(shown.output.contains("POST \(root)/ceb/Project"), "\(shown.output)")
            #expect(receiver.received.count == requests)
        }
        try await receiver.stop()
    }
}
