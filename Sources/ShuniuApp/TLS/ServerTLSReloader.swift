import Foundation
import Logging
import ShuniuCore

/// Reads the server certificate and key again on SIGHUP: new connections get the new pair, those
/// open keep theirs. A pair that cannot be served is refused and logged, and the one in force
/// stays. Every reload is audited as `tls.reload`.
struct ServerTLSReloader: Sendable {
    let state: ServerTLSState
    let store: any AuditLog
    let logger: Logger

    func reload(trigger: String) async {
        var detail: [String: String] = ["certificate": state.settings.certificate, "key": state.settings.key]
        let outcome: String
        do {
            let loaded = try state.reload()
            outcome = "ok"
            let served = Self.describe(loaded)
            detail.merge(served) { $1 }
            logger.notice("server certificate loaded", metadata: served.mapValues { "\($0)" })
        } catch {
            outcome = "refused"
            detail["problem"] = error.description
            for (name, value) in Self.describe(state.current) { detail["inForce." + name] = value }
            logger.error("server certificate refused; the previous one stays in force", metadata: ["problem": "\(error)"])
        }
        do {
            try await store.appendAudit(AuditEvent(
                actorKind: .system, actor: "shuniu", action: "tls.reload", outcome: outcome, subject: trigger, address: nil,
                detail: JSONText.object(detail)
            ))
        } catch {
            logger.error("auditing a server certificate reload failed", metadata: ["error": "\(error)"])
        }
    }

    /// The served certificate as the log and the audit show it (no key material).
    static func describe(_ material: ServerTLSMaterial) -> [String: String] {
        ["subject": material.subject, "sha256": material.fingerprint, "notAfter": material.notAfter.formatted(.iso8601)]
    }
}
