import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// `shuniu codes allow`: a real code that fails its check character, allowed by an operator, is
/// accepted by the running hub at once (with a warning), and the change is in the audit chain.
@Suite("Operators allow real codes that fail their check character")
struct AllowedCodeTests {
    /// 91420102MA4K010137 is sound; this is it with another check character.
    static let code = "91420102MA4K010138"

    static func purchase(code: String) throws -> [UInt8] {
        try Fixtures.batch([Fixtures.datasetRecord("550", changing: ["PURCHASER_CODE": code])])
    }

    static func answer(_ response: ReceivedResponse) throws -> IngestAnswer.Result {
        let answer = try JSONDecoder().decode(IngestAnswer.self, from: Data(response.body))
        return try #require(answer.results.first, "\(response.bodyText)")
    }

    @Test("A running hub refuses the code, then accepts it with a warning once an operator allows it; allow, reload and remove are audited")
    func allowThroughCLI() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential: PlatformCredential
        do {
            let store = try HubStore(directory: dataDir)
            defer { try? store.close() }
            credential = try await Fixtures.register(in: store, datasets: ["550"])
        }
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log")) { daemon in
            let client = IngestClient(baseURL: daemon.baseURL, credential: credential)
            let refused = try await client.send(body: Self.purchase(code: Self.code))
            #expect(try Self.answer(refused).problems?.map(\.code) == ["id.credit_code"], "\(refused.bodyText)")

            let allowed = try await CLI.run(["codes", "allow", Self.code, "--reason", "营业执照 checked by the supervisor", "--data-dir", dataDir, "--operator", "王工"])
            #expect(allowed.status == 0 && allowed.output.contains("in force in the running hub"), "\(allowed.output)")
            let accepted = try await client.send(body: Self.purchase(code: Self.code))
            let result = try Self.answer(accepted)
            #expect(result.status == "accepted", "\(accepted.bodyText)")
            let warning = try #require(result.warnings?.first { $0.code == "id.check_character_listed" }, "\(accepted.bodyText)")
            #expect(warning.message.contains("王工") && warning.message.contains(Self.code), "\(warning.message)")

            let listed = try await CLI.run(["codes", "list", "--data-dir", dataDir])
            #expect(listed.output.contains(Self.code) && listed.output.contains("营业执照"), "\(listed.output)")
            let again = try await CLI.run(["codes", "allow", Self.code, "--reason", "twice", "--data-dir", dataDir])
            #expect(again.status != 0 && again.output.contains("allowed already"), "\(again.output)")
            let sound = try await CLI.run(["codes", "allow", "91420102MA4K010137", "--reason", "sound", "--data-dir", dataDir])
            #expect(sound.status != 0 && sound.output.contains("passes its check character"), "\(sound.output)")

            let removed = try await CLI.run(["codes", "remove", Self.code, "--reason", "registration corrected", "--data-dir", dataDir, "--operator", "王工"])
            #expect(removed.status == 0 && removed.output.contains("in force in the running hub"), "\(removed.output)")
            let refusedAgain = try await client.send(body: Self.purchase(code: Self.code))
            // The same record again, now refused: the stored version stays, nothing new is added.
            #expect(try Self.answer(refusedAgain).problems?.map(\.code) == ["id.credit_code"], "\(refusedAgain.bodyText)")

            let store = try HubStore(directory: dataDir, create: false)
            defer { try? store.close() }
            let allow = try #require(try await store.auditEntries(limit: 5, action: "codes.allow").first)
            #expect(allow.actor == "王工" && allow.subject == Self.code && allow.detail.contains("营业执照"), "\(allow)")
            #expect(try await store.auditEntries(limit: 5, action: "codes.remove").first?.subject == Self.code)
            #expect(try await store.auditEntries(limit: 5, action: "codes.reload").filter { $0.outcome == "ok" }.count == 2)
            #expect(try await store.allowedCodes().isEmpty)
            #expect(try await daemon.stop(signal: SIGTERM) == 0)
        }
    }

    @Test("A hub that starts reads the codes operators allowed before")
    func allowedBeforeStart() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        do {
            let store = try HubStore(directory: folder.path)
            defer { try? store.close() }
            _ = try await store.allowCode(Self.code, kind: "creditCode", reason: "营业执照 checked", by: "王工")
        }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let client = hub.client(try await Fixtures.register(in: hub.store, datasets: ["550"]))
            let response = try await client.send(body: Self.purchase(code: Self.code))
            let result = try Self.answer(response)
            #expect(result.status == "accepted" && result.warnings?.map(\.code) == ["id.check_character_listed"], "\(response.bodyText)")
        }
    }
}
