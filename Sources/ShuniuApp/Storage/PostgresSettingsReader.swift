import ShuniuCore
import ShuniuPostgres
import Yams

/// Reads `storage.postgres` (keys: ``PostgresSettings``). The URL's shape is checked here, so a
/// mistake names its line; the database itself is reached only when the store is opened.
struct PostgresSettingsReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    static let keys: Set<String> = ["url", "passwordFile", "poolSize", "leaseSeconds"]

    init(file: String) {
        self.file = file
    }

    mutating func read(_ node: Node) -> PostgresSettings? {
        var reader = ItemReader(file: file, path: "storage.postgres", node: node, known: PostgresSettingsReader.keys)
        defer { diagnostics += reader.diagnostics }
        let url = reader.string("url", required: true)
        let passwordFile = reader.string("passwordFile")
        let poolSize = reader.integer("poolSize", in: 1...200)
        let leaseSeconds = reader.integer("leaseSeconds", in: 10...3600)
        if let url, let problem = Self.problem(url: url) {
            reader.report(node.mapping?["url"] ?? node, "'storage.postgres.url' \(problem)")
        }
        guard let url, reader.diagnostics.isEmpty else { return nil }
        var settings = PostgresSettings(url: url, passwordFile: passwordFile)
        if let poolSize { settings.poolSize = poolSize }
        if let leaseSeconds { settings.leaseSeconds = leaseSeconds }
        return settings
    }

    /// What is wrong with the URL, or nil: read by the engine's own parser, so that the file is
    /// refused at its line for what the engine would refuse at start. The message never repeats
    /// a password.
    static func problem(url: String) -> String? {
        let parsed: PostgresStoreConfiguration
        do {
            parsed = try PostgresStoreConfiguration(url: url)
        } catch {
            return error.part == "scheme" ? "must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)" : "is not usable: \(error.message)"
        }
        if parsed.password != nil {
            return "must not hold a password: put it in 'storage.postgres.passwordFile' or $\(PostgresSettings.passwordVariable)"
        }
        return nil
    }
}
