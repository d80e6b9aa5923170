import Foundation
import ShuniuSimulation
import ShuniuSpec
import ShuniuTesting
import ShuniuTransport
import Testing

@Suite("Simulated CEB receiver: the national objects checked, the latest version kept")
struct SimulatedCEBReceiverTests {
    static let schema: CEBObjectSchema = {
        do {
            return try CEBObjectSchema.load(file: RepositoryPaths.root + "/" + CEBObjectSchema.repositoryPath)
        } catch {
            fatalError("\(error)")
        }
    }()

    static func sample(_ name: String) throws -> String {
        try String(contentsOfFile: RepositoryPaths.sample("ceb/" + name), encoding: .utf8)
    }

    /// What the receiver answered, read from its `<Result>`.
    struct Answer {
        var status: Int
        var success: String
        var errorCode: String
        var errorMessage: String
    }

    func post(_ receiver: SimulatedCEBReceiver, _ object: String, _ body: [UInt8], timeout: Int = 30) async throws -> Answer {
        let response = try await CurlHTTPClient().send(OutgoingRequest(
            method: "POST", url: receiver.baseURL + "/" + object, headers: [("Content-Type", "application/xml")], body: body, timeoutSeconds: timeout
        ))
        guard response.status == 200 || response.status == 404 else {
            return Answer(status: response.status, success: "", errorCode: "", errorMessage: "")
        }
        let result = try OrderedXMLReader.read(response.body)
        #expect(result.name == "Result")
        return Answer(status: response.status, success: result.child("success")?.text ?? "", errorCode: result.child("errorCode")?.text ?? "",
                      errorMessage: result.child("errorMessage")?.text ?? "")
    }

    func post(_ receiver: SimulatedCEBReceiver, _ object: String, _ text: String) async throws -> Answer {
        try await post(receiver, object, Array(text.utf8))
    }

    @Test("Valid objects, alone or in a DataList, are accepted and held by object and key with their version")
    func validObjectsHeld() async throws {
        let receiver = try await SimulatedCEBReceiver.start(schema: Self.schema)
        let project = try await post(receiver, "TenderProject", try Self.sample("tender-project.xml"))
        #expect(project.status == 200 && project.success == "true" && project.errorCode.isEmpty, "\(project)")
        let sections = try await post(receiver, "BidSection", try Self.sample("bid-sections.xml"))
        #expect(sections.success == "true" && sections.errorCode.isEmpty, "\(sections)")
        let winner = try await post(receiver, "WinBid", try Self.sample("win-bid.xml"))
        #expect(winner.success == "true", "\(winner)")

        let held = try #require(receiver.held("TenderProject", key: "E4201000003000001001"))
        #expect(held.version == "20261201090000")
        #expect(held.value("tenderProjectName") == "示范路改造工程施工招标")
        #expect(receiver.held("BidSection", key: "E4201000003000001001001")?.value("contractReckonPrice") == "12500000.00")
        #expect(receiver.held("BidSection", key: "E4201000003000001001002")?.value("bidSectionName") == "示范路改造工程第二标段")
        #expect(receiver.held("WinBid", key: "WB-2026-0001-001") != nil)
        #expect(receiver.heldCount == 4)
        try await receiver.stop()
    }

    /// A sample spoilt one way, the code the receiver must answer and the element path it must name.
    struct Spoilt: Sendable, CustomStringConvertible {
        var description: String
        var sample: String
        var object: String
        var from: String
        var to: String
        var code: String
        var path: String
    }

    static let spoilt: [Spoilt] = [
        Spoilt(description: "regionCode moved after tenderContent", sample: "tender-project.xml", object: "TenderProject",
               from: "  <regionCode>420100</regionCode>\n  <tenderContent>道路改造施工</tenderContent>\n",
               to: "  <tenderContent>道路改造施工</tenderContent>\n  <regionCode>420100</regionCode>\n",
               code: "OUT_OF_ORDER", path: "/tenderProject/regionCode"),
        Spoilt(description: "an element the object does not have", sample: "tender-project.xml", object: "TenderProject",
               from: "  <tenderMode>1</tenderMode>\n", to: "  <tenderMode>1</tenderMode>\n  <tenderMethod>1</tenderMethod>\n",
               code: "UNKNOWN_ELEMENT", path: "/tenderProject/tenderMethod"),
        Spoilt(description: "a required element left out", sample: "tender-project.xml", object: "TenderProject",
               from: "  <platformCode>E4201000003</platformCode>\n", to: "",
               code: "MISSING_ELEMENT", path: "/tenderProject/platformCode"),
        Spoilt(description: "a region code of five digits", sample: "tender-project.xml", object: "TenderProject",
               from: "<regionCode>420100</regionCode>", to: "<regionCode>42010</regionCode>",
               code: "PATTERN", path: "/tenderProject/regionCode"),
        Spoilt(description: "the second section's price with thousands separators", sample: "bid-sections.xml", object: "BidSection",
               from: "<contractReckonPrice>8300000.50</contractReckonPrice>", to: "<contractReckonPrice>8,300,000.50</contractReckonPrice>",
               code: "DECIMAL", path: "/DataList/bidSection[2]/contractReckonPrice"),
        Spoilt(description: "both a price and a price in other terms", sample: "win-bid.xml", object: "WinBid",
               from: "  <otherExplanation>", to: "  <otherWinBidPrice>下浮率 3%</otherWinBidPrice>\n  <otherExplanation>",
               code: "CHOICE", path: "/winBid/otherWinBidPrice"),
        Spoilt(description: "a section code one character short", sample: "win-bid.xml", object: "WinBid",
               from: "<bidSectionCode>E4201000003000001001001</bidSectionCode>", to: "<bidSectionCode>E420100000300000100100</bidSectionCode>",
               code: "LENGTH", path: "/winBid/bidSectionCode"),
    ]

    @Test("A spoilt object is refused whole with the first problem's code and its element path, and nothing is held", arguments: spoilt)
    func spoiltObjectRefused(_ case_: Spoilt) async throws {
        let receiver = try await SimulatedCEBReceiver.start(schema: Self.schema)
        let sample = try Self.sample(case_.sample)
        #expect(sample.contains(case_.from), "the sample still has what the case spoils")
        let text = sample.replacingOccurrences(of: case_.from, with: case_.to)
        let answer = try await post(receiver, case_.object, text)
        #expect(answer.status == 200 && answer.success == "false", "\(answer)")
        #expect(answer.errorCode == case_.code, "\(answer)")
        #expect(answer.errorMessage.hasPrefix(case_.path + ": "), "\(answer)")
        #expect(receiver.heldCount == 0)
        try await receiver.stop()
    }

    @Test("An older or equal version is a duplicate: answered success with DUPLICATE, the newer object still held")
    func olderVersionDuplicate() async throws {
        let receiver = try await SimulatedCEBReceiver.start(schema: Self.schema)
        let original = try Self.sample("tender-project.xml")
        let newer = original.replacingOccurrences(of: "<version>20261201090000</version>", with: "<version>20261202090000</version>")
            .replacingOccurrences(of: "<tenderContent>道路改造施工</tenderContent>", with: "<tenderContent>道路及管网改造施工</tenderContent>")
        let first = try await post(receiver, "TenderProject", newer)
        #expect(first.success == "true" && first.errorCode.isEmpty, "\(first)")

        let older = try await post(receiver, "TenderProject", original)
        #expect(older.success == "true" && older.errorCode == "DUPLICATE", "\(older)")
        #expect(older.errorMessage.contains("E4201000003000001001 version 20261201090000"), "\(older)")
        let again = try await post(receiver, "TenderProject", newer)
        #expect(again.errorCode == "DUPLICATE", "an equal version is a duplicate too: \(again)")

        let held = try #require(receiver.held("TenderProject", key: "E4201000003000001001"))
        #expect(held.version == "20261202090000")
        #expect(held.value("tenderContent") == "道路及管网改造施工")
        try await receiver.stop()
    }

    @Test("A document declared GB18030 is read in that encoding; the same bytes undeclared are refused as not UTF-8")
    func gb18030Document() async throws {
        let receiver = try await SimulatedCEBReceiver.start(schema: Self.schema)
        let declared = try Self.sample("tender-project.xml").replacingOccurrences(of: #"encoding="UTF-8""#, with: #"encoding="GB18030""#)
        // The C library's own iconv command makes the GB 18030 copy, so the test does not grade itself.
        let source = NSTemporaryDirectory() + "shuniu-ceb-\(UUID().uuidString).xml"
        let converted = source + ".gb18030"
        defer {
            try? FileManager.default.removeItem(atPath: source)
            try? FileManager.default.removeItem(atPath: converted)
        }
        try declared.write(toFile: source, atomically: true, encoding: .utf8)
        let iconv = try await ChildProcess.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030", "-o", converted, source], timeout: 30)
        #expect(iconv.status == 0, "\(iconv.output)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: converted)))
        #expect(String(validating: bytes, as: UTF8.self) == nil, "the copy really is GB 18030")

        var mislabelled = bytes
        mislabelled.replace(Array(#"encoding="GB18030""#.utf8), with: Array(#"encoding="UTF-8""#.utf8))
        let undeclared = try await post(receiver, "TenderProject", mislabelled)
        #expect(undeclared.success == "false" && undeclared.errorCode == "MALFORMED_XML", "\(undeclared)")
        #expect(undeclared.errorMessage.contains("not UTF-8"), "\(undeclared)")

        let answer = try await post(receiver, "TenderProject", bytes)
        #expect(answer.success == "true" && answer.errorCode.isEmpty, "\(answer)")
        let held = try #require(receiver.held("TenderProject", key: "E4201000003000001001"))
        #expect(held.value("tenderProjectName") == "示范路改造工程施工招标")
        #expect(held.value("superviseDeptName") == "示范市住房和城乡建设局")
        try await receiver.stop()
    }

    @Test("On command the receiver answers a bare 503, refuses the next N documents then accepts, or hangs past the sender's timeout")
    func behaviours() async throws {
        let receiver = try await SimulatedCEBReceiver.start(schema: Self.schema)
        let document = try Self.sample("tender-project.xml")

        receiver.behave(.status(503))
        let unavailable = try await post(receiver, "TenderProject", document)
        #expect(unavailable.status == 503)

        receiver.behave(.refuse(next: 2))
        for _ in 0..<2 {
            let refused = try await post(receiver, "TenderProject", document)
            #expect(refused.success == "false" && refused.errorCode == "REFUSED", "\(refused)")
        }
        #expect(receiver.heldCount == 0)
        let accepted = try await post(receiver, "TenderProject", document)
        #expect(accepted.success == "true" && accepted.errorCode.isEmpty, "\(accepted)")

        receiver.behave(.hang(.seconds(3)))
        await #expect(throws: TransportError.self) {
            _ = try await post(receiver, "TenderProject", Array(document.utf8), timeout: 1)
        }
        #expect(receiver.received.count == 4, "the hanging request is not answered yet")

        receiver.behave(.accept)
        let unknown = try await post(receiver, "TenderNotice", document)
        #expect(unknown.status == 404 && unknown.errorCode == "UNKNOWN_OBJECT", "\(unknown)")
        try await receiver.stop()
    }
}
