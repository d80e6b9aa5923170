import Foundation
import Logging
import ShuniuCore
import ShuniuSpec

/// Puts the codes operators allowed (`shuniu codes allow`, kept in the store) in force in the
/// hub's spec: at start, and again on SIGHUP, which `shuniu codes allow` and `remove` send.
struct AllowedCodesReloader: Sendable {
    let store: any AllowedCodeList & AuditLog
    let codes: KnownInvalidCodes
    let logger: Logger

    static func entries(_ allowed: [AllowedCode]) -> [KnownInvalidCodes.Entry] {
        allowed.map { KnownInvalidCodes.Entry(code: $0.code, source: $0.reason, addedBy: $0.addedBy) }
    }

    /// Reads the store's list again and audits the outcome as codes.reload (the CLI waits for it).
    func reload(trigger: String) async {
        let outcome: String
        var detail: [String: String] = [:]
        do {
            let allowed = try await store.allowedCodes()
            codes.replaceOperatorEntries(Self.entries(allowed))
            outcome = "ok"
            detail["codes"] = String(allowed.count)
            logger.notice("allowed codes loaded", metadata: ["codes": "\(allowed.count)"])
        } catch {
            outcome = "failed"
            detail["error"] = "\(error)"
            logger.error("reading the allowed codes failed; the previous list stays in force", metadata: ["error": "\(error)"])
        }
        do {
            try await store.appendAudit(AuditEvent(
                actorKind: .system, actor: "shuniu", action: "codes.reload", outcome: outcome, subject: trigger, address: nil,
                detail: JSONText.object(detail)
            ))
        } catch {
            logger.error("auditing an allowed-codes reload failed", metadata: ["error": "\(error)"])
        }
    }
}
