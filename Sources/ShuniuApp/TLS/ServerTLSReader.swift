import ShuniuCore
import Yams

/// Reads `server.tls` (keys: ``ServerTLSSettings``) and, for `serve`, reads its files at once, so
/// that a certificate or key that cannot be served stops start-up with the line that names it.
struct ServerTLSReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    static let keys: Set<String> = ["certificate", "key", "clientCA", "clientCertificates"]

    let readsFiles: Bool

    init(file: String, readsFiles: Bool) {
        self.file = file
        self.readsFiles = readsFiles
    }

    mutating func read(_ node: Node) -> ServerTLSSettings? {
        var reader = ItemReader(file: file, path: "server.tls", node: node, known: ServerTLSReader.keys)
        defer { diagnostics += reader.diagnostics }
        let certificate = reader.string("certificate", required: true)
        let key = reader.string("key", required: true)
        let clientCA = reader.string("clientCA")
        let clientCertificates = reader.choice("clientCertificates", ServerTLSSettings.ClientCertificates.self) ?? .none
        if clientCertificates != .none, clientCA == nil {
            reader.report(node.mapping?["clientCertificates"] ?? node, "'server.tls.clientCertificates: \(clientCertificates.rawValue)' needs 'server.tls.clientCA', the CAs client certificates must come from")
        }
        guard let certificate, let key, reader.diagnostics.isEmpty else { return nil }
        let settings = ServerTLSSettings(certificate: certificate, key: key, clientCA: clientCA, clientCertificates: clientCertificates)
        guard readsFiles else { return settings }
        do {
            _ = try ServerTLSMaterial.load(settings)
        } catch {
            let name = String(error.key.dropFirst("server.tls.".count))
            reader.report(node.mapping?[name] ?? node, error.description)
            return nil
        }
        return settings
    }
}
