import Foundation
import ShuniuCore
import Yams

/// Reads `destinations:`, a list of mappings with these keys:
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `name` | `[a-z0-9-]+` | required | used by the CLI, metrics, idempotency keys |
/// | `kind` | national-hub, supervision, credit, other | `other` | |
/// | `url` | http(s) URL | required | batches are POSTed here |
/// | `appKey` | string | none | the hub's key at the upstream; signs requests when given |
/// | `secretFile` | path | none | file holding the signing secret (secret: never inline) |
/// | `signatureMethod` | HMAC-SHA256, HMAC-SM3 | `HMAC-SHA256` | |
/// | `tlsCertificate`, `tlsKey` | paths | none | PEM client certificate and key |
/// | `tlsCA` | path | system CAs | PEM bundle trusted for the upstream's server certificate |
/// | `timeoutSeconds` | 1–600 | 30 | per request |
/// | `batchSize` | 1–1000 | 100 | records per request |
/// | `concurrency` | 1–32 | 1 | requests in flight |
/// | `retrySchedule` | list of durations | 5s, 5m, 30m, 2h, 5h, 10h, 10h | then dead |
/// | `mode` | every-version, latest-state | `every-version` | |
/// | `circuitBreakerFailures` | 1–100 | 5 | consecutive failed batches that open the circuit |
/// | `circuitBreakerPause` | duration | 30s | first hold-back, doubling to 10 min; then one probe |
/// | `format` | `[a-z0-9-]+` | the hub's JSON | the destination mapping file its requests are made by, `<paths.mappings>/destinations/<format>.yaml` |
/// | `formatSettings` | mapping | none | values the format's file names as `$settings.NAME` (not secrets: those come from files) |
struct DestinationReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    static let keys: Set<String> = [
        "name", "kind", "url", "appKey", "secretFile", "signatureMethod", "tlsCertificate", "tlsKey", "tlsCA",
        "timeoutSeconds", "batchSize", "concurrency", "retrySchedule", "mode", "circuitBreakerFailures", "circuitBreakerPause",
        "format", "formatSettings",
    ]

    init(file: String) {
        self.file = file
    }

    mutating func read(_ node: Node) -> [Destination] {
        ItemReader.listItems(node, named: "destinations", file: file, diagnostics: &diagnostics).compactMap { readItem($0.index, $0.node) }
    }

    private mutating func readItem(_ index: Int, _ item: Node) -> Destination? {
        var reader = ItemReader(file: file, path: "destinations[\(index)]", node: item, known: DestinationReader.keys)
        defer { diagnostics += reader.diagnostics }
        let name = reader.string("name", required: true)
        let url = reader.string("url", required: true)
        if let name, name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            reader.report(item, "'destinations[\(index)].name' must be lower-case letters, digits and '-', got '\(name)'")
        }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            reader.report(item, "'destinations[\(index)].url' must be an http or https URL, got '\(url)'")
        }
        var secret: String?
        if let secretFile = reader.string("secretFile") {
            if let text = try? String(contentsOfFile: secretFile, encoding: .utf8) {
                secret = text.trimmedWhitespace
            } else {
                reader.report(item, "'destinations[\(index)].secretFile': cannot read \(secretFile)")
            }
        }
        let appKey = reader.string("appKey")
        if (appKey == nil) != (secret == nil) && reader.diagnostics.isEmpty {
            reader.report(item, "'destinations[\(index)]': appKey and secretFile go together")
        }
        let destination = Destination(
            name: name ?? "", kind: reader.choice("kind", Destination.Kind.self) ?? .other, url: url ?? "",
            appKey: appKey, secret: secret,
            signatureMethod: reader.choice("signatureMethod", SignatureMethod.self) ?? .hmacSHA256,
            tlsCertificate: reader.string("tlsCertificate"), tlsKey: reader.string("tlsKey"), tlsCA: reader.string("tlsCA"),
            timeoutSeconds: reader.integer("timeoutSeconds", in: 1...600) ?? 30,
            batchSize: reader.integer("batchSize", in: 1...1000) ?? 100,
            concurrency: reader.integer("concurrency", in: 1...32) ?? 1,
            retrySchedule: reader.durations("retrySchedule") ?? Destination.defaultRetrySchedule,
            mode: reader.choice("mode", Destination.Mode.self) ?? .everyVersion,
            circuitBreakerFailures: reader.integer("circuitBreakerFailures", in: 1...100) ?? 5,
            circuitBreakerPause: reader.durations("circuitBreakerPause")?.first ?? 30,
            format: reader.string("format"), formatSettings: reader.stringMap("formatSettings") ?? [:]
        )
        if let format = destination.format, !format.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            reader.report(item, "'destinations[\(index)].format' must name a file of Mappings/destinations ([a-z0-9-]), got '\(format)'")
        }
        if (destination.tlsCertificate == nil) != (destination.tlsKey == nil) {
            reader.report(item, "'destinations[\(index)]': tlsCertificate and tlsKey go together")
        }
        return reader.diagnostics.isEmpty ? destination : nil
    }
}
