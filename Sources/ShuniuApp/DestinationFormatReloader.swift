import Foundation
import Logging
import ShuniuCore
import ShuniuMapping
import ShuniuSpec

/// Reads the destinations' format files again on SIGHUP, as the platforms' mapping files are:
/// when every file loads, each destination takes its new format; when one has a problem, none
/// changes and each problem is logged. Every reload is audited as `formats.reload`.
struct DestinationFormatReloader: Sendable {
    let destinations: [Destination]
    let formats: [String: ReloadableDeliveryFormat]
    let folder: String
    let spec: DataSpec
    let store: any AuditLog
    let logger: Logger

    func reload(trigger: String) async {
        let named = destinations.filter { $0.format != nil }
        guard !named.isEmpty else { return }
        var detail: [String: String] = [:]
        let outcome: String
        do {
            let loaded = try DestinationFormats.load(for: named, from: folder, spec: spec)
            for (destination, format) in loaded { formats[destination]?.replace(with: format) }
            outcome = "ok"
            for destination in named {
                let file = (loaded[destination.name] as? DestinationRenderer)?.format
                detail[destination.name] = "\(destination.format ?? "") \(file?.version ?? "")"
            }
            logger.notice("destination formats loaded", metadata: detail.mapValues { "\($0)" })
        } catch let error as DiagnosticsError {
            outcome = "refused"
            detail["problems"] = error.diagnostics.map(\.description).joined(separator: "\n")
            for problem in error.diagnostics {
                logger.error("destination format refused; the formats in force stay", metadata: ["problem": "\(problem)"])
            }
        } catch {
            outcome = "refused"
            detail["problems"] = "\(error)"
            logger.error("destination formats refused; those in force stay", metadata: ["error": "\(error)"])
        }
        do {
            try await store.appendAudit(AuditEvent(
                actorKind: .system, actor: "shuniu", action: "formats.reload", outcome: outcome, subject: trigger, address: nil,
                detail: JSONText.object(detail)
            ))
        } catch {
            logger.error("auditing a destination format reload failed", metadata: ["error": "\(error)"])
        }
    }
}
