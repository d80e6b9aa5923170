import Foundation
import ShuniuTesting
import Testing

/// `shuniu push` tells a person what happened on standard error and leaves standard output to the answer.
@Suite("push prints a summary line before the answer")
struct PushSummaryTests {
    /// Runs `shuniu push ARGUMENTS…` with its standard error kept apart: (status, standard output, standard error).
    private func push(_ arguments: [String], secret: String, in folder: TemporaryDirectory) async throws -> (Int32, String, String) {
        let errors = folder.file("push.err")
        let (status, output) = try await ChildProcess.run(
            "/bin/sh", ["-c", "\"$0\" \"$@\" 2>\"$PUSH_ERRORS\"", RepositoryPaths.executable, "push"] + arguments,
            directory: RepositoryPaths.root, environment: ["PUSH_ERRORS": errors, "SHUNIU_APP_SECRET": secret], timeout: 60
        )
        return (status, output, (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
    }

    @Test("The summary names the records, the hub, the signer and the counts; standard output is the answer's JSON alone")
    func summaryThenAnswer() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.file("var")) { hub in
            let credential = try await Fixtures.register(in: hub.store)
            let batch = folder.file("batch.json")
            try Data(Fixtures.batch(try Fixtures.sampleRecords() + [["dataset": "500", "data": [:] as [String: Any]]])).write(to: URL(fileURLWithPath: batch))

            let (status, answer, summary) = try await push([batch, "--url", hub.baseURL, "--app-key", credential.appKey], secret: credential.secret, in: folder)
            #expect(status == 0, "\(answer) \(summary)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "pure JSON: \(answer)")
            #expect(object["accepted"] as? Int == 4 && object["rejected"] as? Int == 1)
            let lines = summary.split(separator: "\n")
            #expect(lines.count == 1, "\(summary)")
            #expect(lines.first?.hasPrefix("push: 5 records to \(hub.baseURL) as app key \(credential.appKey) — 4 accepted, 1 rejected (HTTP ") == true, "\(summary)")
            #expect(!summary.contains(credential.secret))

            // A refusal: the error's code in the summary, the error body on standard output, exit 1.
            let (refusedStatus, refusedAnswer, refusedSummary) = try await push(
                [batch, "--url", hub.baseURL, "--app-key", credential.appKey], secret: "not-the-secret", in: folder
            )
            #expect(refusedStatus == 1)
            #expect((try? JSONSerialization.jsonObject(with: Data(refusedAnswer.utf8))) as? [String: Any] != nil, "\(refusedAnswer)")
            #expect(refusedSummary.contains("— refused: auth.") && refusedSummary.contains("(HTTP 401)"), "\(refusedSummary)")
        }
    }
}
