import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// Bodies an attacker (or a careless platform) sends: control characters in keys and values,
/// text that is not UTF-8, objects that name a member twice, nesting far past any record's.
/// Each is refused with its own code, and nothing of it is stored.
@Suite("Hostile bodies")
struct HostileBodyTests {
    static func answer(_ response: ReceivedResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response.bodyText)")
    }

    /// The problem codes of the first record's answer.
    static func problemCodes(_ response: ReceivedResponse) throws -> [String] {
        let results = try #require(try answer(response)["results"] as? [[String: Any]])
        return (results.first?["problems"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test("A key with a NUL, or any control or invisible character, is refused with field.control_character; its owner's record stays its own")
    func controlCharactersInKeys() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let clean = "E4201000001000001"
            for forged in [clean + "\u{0}", clean + "\u{7}", "E42010\u{200B}00001000001", clean + "\u{202E}", "E42010000010\t00001", clean + "\u{85}1"] {
                let response = try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": forged])]))
                #expect(response.status == 422, "\(forged.unicodeScalars.map(\.value)): \(response.bodyText)")
                #expect(try Self.problemCodes(response) == ["field.control_character"], "\(response.bodyText)")
                #expect(response.bodyText.contains("项目编号") || response.bodyText.contains("PROJECT_CODE"))
            }
            #expect(try await hub.store.versionCount() == 0)
            // The clean key is still free for its owner.
            let owned = try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": clean])]))
            #expect(owned.status == 200, "\(owned.bodyText)")
        }
    }

    @Test("Free text keeps tab, CR and LF but refuses other control characters")
    func controlCharactersInText() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let kept = try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_NAME": "第一行\n第二行\t列\r\n"])]))
            #expect(kept.status == 200, "\(kept.bodyText)")
            for bad in ["名称\u{0}", "名称\u{1B}[31m", "名称\u{7F}", "名称\u{9B}"] {
                let refused = try await client.send(body: Fixtures.batch([Fixtures.record("500", changing: ["PROJECT_CODE": "E4201000001000002", "PROJECT_NAME": bad])]))
                #expect(refused.status == 422, "\(refused.bodyText)")
                #expect(try Self.problemCodes(refused) == ["field.control_character"], "\(refused.bodyText)")
            }
            #expect(try await hub.store.versionCount() == 1)
        }
    }

    @Test("A record key with a NUL is refused on every read path, never matched to another record")
    func controlCharactersOnReads() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            #expect(try await client.send(body: Fixtures.batch(Fixtures.sampleRecords())).status == 200)
            let consumer = try await Fixtures.registerConsumer(on: hub)
            let key = "E4201000001000001"
            #expect(try await consumer.record(dataset: "500", key: key).status == 200)
            for path in ["/api/v1/records/500/\(key)%00", "/api/v1/records/500/\(key)%00.json", "/api/v1/records/500/\(key)%00/versions", "/api/v1/records/500/%E2%80%8B\(key)"] {
                let response = try await consumer.get(path)
                #expect(response.status == 400, "\(path): \(response.bodyText)")
                #expect(response.bodyText.contains("read.bad_query"), "\(path): \(response.bodyText)")
            }
            let disputed = try await consumer.dispute(dataset: "500", key: key + "\u{0}", field: "PROJECT_NAME", reason: "名称有误")
            #expect(disputed.status == 400, "\(disputed.bodyText)")
            #expect(try await hub.store.disputes().isEmpty)
        }
    }

    enum Body: String, CaseIterable, CustomTestStringConvertible {
        case utf16WithMark, utf16WithoutMark, latin1Bytes, loneSurrogate, duplicateTopLevel, duplicateInData, deepArray, deepObject

        var testDescription: String { rawValue }

        func bytes(valid: [UInt8]) -> [UInt8] {
            let text = String(decoding: valid, as: UTF8.self)
            switch self {
            case .utf16WithMark: return [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            case .utf16WithoutMark: return Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            case .latin1Bytes: return Array(#"{"records": [{"dataset": "500", "data": {"PROJECT_NAME": "caf"#.utf8) + [0xE9] + Array(#""}}]}"#.utf8)
            case .loneSurrogate: return Array(#"{"records": [{"dataset": "500", "data": {"PROJECT_NAME": "\uD800"}}]}"#.utf8)
            case .duplicateTopLevel: return Array(#"{"records": [], "records": "#.utf8) + Array(text.utf8.dropFirst(#"{"records":"#.utf8.count))
            case .duplicateInData:
                return Array(text.replacingOccurrences(of: #""PROJECT_CODE":"E4201000001000001""#, with: #""PROJECT_CODE":"E4201000001000001","PROJECT_CODE":"E4201000001999999""#).utf8)
            case .deepArray: return Array(("{\"records\": [" + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "]}").utf8)
            case .deepObject: return Array(("{\"records\": [{\"dataset\": \"500\", \"data\": " + String(repeating: "{\"a\":", count: 400) + "1" + String(repeating: "}", count: 400) + "}]}").utf8)
            }
        }

        var expected: String {
            switch self {
            case .utf16WithMark, .utf16WithoutMark, .latin1Bytes, .loneSurrogate: "request.not_utf8"
            case .duplicateTopLevel, .duplicateInData: "request.duplicate_key"
            case .deepArray, .deepObject: "request.nesting_too_deep"
            }
        }
    }

    @Test("A body that is not UTF-8, names a member twice or nests too deep is refused as a whole with its own code", arguments: Body.allCases)
    func refusedBodies(body: Body) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store))
            let valid = try Fixtures.batch([Fixtures.record("500")])
            #expect(String(decoding: valid, as: UTF8.self).contains(#""PROJECT_CODE":"E4201000001000001""#))
            let response = try await client.send(body: body.bytes(valid: valid))
            #expect(response.status == 400, "\(response.bodyText)")
            #expect((try Self.answer(response)["error"] as? [String: Any])?["code"] as? String == body.expected, "\(response.bodyText)")
            #expect(try await hub.store.versionCount() == 0)
        }
    }

    @Test("A mapped platform's JSON payload deeper than its mapping allows is refused before it is read further")
    func deepMappedPayload() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let platform = PlatformID(rawValue: "E4201000003")!
            let client = hub.client(try await Fixtures.register(platform, in: hub.store))
            let deep = Array((String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000)).utf8)
            let response = try await client.send(body: deep)
            #expect(response.status == 400, "\(response.bodyText)")
            #expect(response.bodyText.contains("request.malformed_payload") && response.bodyText.contains("nest deeper than 32"), "\(response.bodyText)")
        }
    }
}
