import Foundation

/// The one line `shuniu push` writes on standard error before the hub's answer, e.g.
/// `push: 3 records to http://127.0.0.1:8480 as app key ak… — 2 accepted, 1 rejected (HTTP 207)`.
/// On standard error so that a script piping the answer still reads pure JSON.
struct PushSummary {
    /// Records in the batch sent, when the file is a batch (`{"records": […]}`).
    var records: Int?
    var url: String
    /// Who signed: `app key …` or `certificate <subject>`.
    var signer: String
    var status: Int
    var answer: [UInt8]

    init(batch: Data, url: String, signer: String, status: Int, answer: [UInt8]) {
        records = ((try? JSONSerialization.jsonObject(with: batch)) as? [String: Any])?["records"].flatMap { ($0 as? [Any])?.count }
        self.url = url
        self.signer = signer
        self.status = status
        self.answer = answer
    }

    var line: String {
        let sent = records.map { "\($0) record\($0 == 1 ? "" : "s")" } ?? "a body that is not a batch"
        return "push: \(sent) to \(url) as \(signer) — \(outcome) (HTTP \(status))"
    }

    /// The answer's counts (an ingest answer), its error code and message (a refusal), or nothing to say.
    private var outcome: String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(answer))) as? [String: Any] else {
            return (200..<300).contains(status) ? "answered" : "failed"
        }
        if let error = object["error"] as? [String: Any] {
            return "refused: \(error["code"] as? String ?? "?")" + ((error["message"] as? String).map { " (\($0))" } ?? "")
        }
        let accepted = object["accepted"] as? Int ?? 0, duplicate = object["duplicate"] as? Int ?? 0, rejected = object["rejected"] as? Int ?? 0
        return "\(accepted) accepted, " + (duplicate > 0 ? "\(duplicate) duplicate, " : "") + "\(rejected) rejected"
    }
}
