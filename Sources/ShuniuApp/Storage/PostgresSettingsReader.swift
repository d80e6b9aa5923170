import ShuniuCore
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

    /// What is wrong with the URL's shape, or nil. The message never repeats a password.
    static func problem(url: String) -> String? {
        guard let scheme = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<scheme.lowerBound]) else {
            return "must start with postgres:// (postgres://USER@HOST:PORT/DATABASE)"
        }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let userInfo = authority.range(of: "@", options: .backwards).map({ authority[..<$0.lowerBound] }), userInfo.contains(":") {
            return "must not hold a password: put it in 'storage.postgres.passwordFile' or $\(PostgresSettings.passwordVariable)"
        }
        return nil
    }
}
