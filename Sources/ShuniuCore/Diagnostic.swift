/// A problem found in a declarative file (spec, mapping, trust manifest, configuration),
/// located by file and line so that an operator can go straight to it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Codable {
    public var file: String
    /// 1-based; nil when the problem concerns the file as a whole.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Loading failed; every problem found is listed, not just the first.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
