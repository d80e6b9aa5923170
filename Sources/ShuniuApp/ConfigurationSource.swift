import Foundation

/// Which configuration file a command reads, so that `serve` and every operator command agree
/// wherever they are run from: `--config FILE`, else `$SHUNIU_CONFIG` (set but empty: none),
/// else the packaged `/etc/shuniu/shuniu.yaml` when it exists, else the embedded defaults.
public enum ConfigurationSource: Equatable, Sendable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case system(String)
    case embedded

    public static let environmentVariable = "SHUNIU_CONFIG"
    /// Where the Debian package puts the configuration.
    public static let systemFile = "/etc/shuniu/shuniu.yaml"

    public static func resolve(
        flag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        systemFile: String = systemFile,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> ConfigurationSource {
        if let flag { return .flag(flag) }
        if let named = environment[environmentVariable] {
            // An empty value opts out of the system file, for a hub that must use the defaults.
            return named.isEmpty ? .embedded : .environment(named)
        }
        return fileExists(systemFile) ? .system(systemFile) : .embedded
    }

    /// The file to read, nil for the embedded defaults.
    public var file: String? {
        switch self {
        case .flag(let file), .environment(let file), .system(let file): file
        case .embedded: nil
        }
    }

    /// The configuration this source gives: the file over the defaults (`forServing`: see
    /// ``HubConfiguration/load(file:forServing:)``).
    public func load(forServing: Bool = false) throws -> HubConfiguration {
        try file.map { try HubConfiguration.load(file: $0, forServing: forServing) } ?? HubConfiguration()
    }

    /// Says where the configuration came from, for `status` and the start-up log.
    public var description: String {
        switch self {
        case .flag(let file): "\(file) (--config)"
        case .environment(let file): "\(file) ($\(Self.environmentVariable))"
        case .system(let file): "\(file) (the installed default)"
        case .embedded: "embedded defaults"
        }
    }
}
