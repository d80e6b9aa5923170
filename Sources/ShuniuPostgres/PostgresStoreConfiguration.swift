import Foundation

/// Where the PostgreSQL engine's database is and how to reach it, read from a connection URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB?sslmode=disable|prefer|require|verify-full&host=/socket/dir&sslrootcert=/path`.
///
/// | setting | from | default |
/// |---|---|---|
/// | user, password (**secret**), host, port, database | the URL | port 5432; no password |
/// | `sslmode`: `disable`, `prefer`, `require`, `verify-full` | the URL's query | `prefer` |
/// | `host=/dir`: the server's Unix socket folder | the URL's query | TCP to the URL's host |
/// | `sslrootcert=/path`: CAs for `verify-full` | the URL's query | the system's CAs |
/// | ``poolSize`` | the caller | 10 |
/// | ``leaseSeconds`` | the caller | 60 |
///
/// The password may come in the URL or separately (from a file or the environment); it is never
/// shown: ``description`` and every error leave it out.
public struct PostgresStoreConfiguration: Sendable, CustomStringConvertible {
    /// Whether and how the connection is encrypted (libpq's `sslmode` values).
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, unverified; plain otherwise.
        case prefer
        /// TLS always, its certificate not verified (as libpq's `require`).
        case require
        /// TLS always, the certificate verified against the system's CAs (or `sslrootcert`) and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    /// The TCP host (a name or an address); unused when ``socketDirectory`` is set.
    public var host: String
    public var port: Int
    /// The folder holding the server's Unix socket (`?host=/dir`), when connecting through one.
    public var socketDirectory: String?
    public var database: String
    public var tls: TLSMode
    /// CA certificates (PEM) that verify the server under `verify-full`, instead of the system's.
    public var rootCertificatePath: String?
    /// Connections this instance keeps open at most.
    public var poolSize: Int
    /// How long a delivery claim holds before another instance may take it over: longer than
    /// the slowest batch send.
    public var leaseSeconds: Int

    public static let defaultPort = 5432
    public static let defaultPoolSize = 10
    public static let defaultLeaseSeconds = 60

    /// Reads `url`; `password`, when given, is the password (the URL must then carry none).
    public init(
        url: String, password: String? = nil, poolSize: Int = defaultPoolSize, leaseSeconds: Int = defaultLeaseSeconds
    ) throws(PostgresConfigurationError) {
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound].lowercased()) else {
            throw PostgresConfigurationError(part: "scheme", "the database URL must start with postgres:// or postgresql://")
        }
        let rest = url[schemeEnd.upperBound...]
        let (main, query) = rest.splitOnce("?")
        let (authority, path) = main.splitOnce("/")
        guard let at = authority.lastIndex(of: "@") else {
            throw PostgresConfigurationError(part: "user", "the database URL names no user (postgres://USER@HOST/DB)")
        }
        let (userText, passwordText) = authority[..<at].splitOnce(":")
        guard let user = userText.percentDecoded(), !user.isEmpty else {
            throw PostgresConfigurationError(part: "user", "the database URL's user is empty or badly percent-encoded")
        }
        var urlPassword: String?
        if let passwordText {
            guard let decoded = passwordText.percentDecoded() else {
                throw PostgresConfigurationError(part: "password", "the database URL's password is badly percent-encoded")
            }
            urlPassword = decoded
        }
        if urlPassword != nil, password != nil {
            throw PostgresConfigurationError(part: "password", "the password is given both in the database URL and separately: give it once")
        }

        let (host, port) = try Self.hostAndPort(authority[authority.index(after: at)...])
        guard let database = path?.percentDecoded(), !database.isEmpty, !database.contains("/") else {
            throw PostgresConfigurationError(part: "database", "the database URL names no database (postgres://USER@HOST/DB)")
        }

        var tls = TLSMode.prefer
        var socketDirectory: String?
        var rootCertificatePath: String?
        for parameter in (query ?? "").split(separator: "&") {
            let (name, value) = parameter.splitOnce("=")
            guard let value = value?.percentDecoded() else {
                throw PostgresConfigurationError(part: String(name), "the database URL's parameter \(name) has no value (\(name)=…)")
            }
            switch name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw PostgresConfigurationError(
                        part: "sslmode", "sslmode \(value) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                tls = mode
            case "host":
                guard value.hasPrefix("/") else {
                    throw PostgresConfigurationError(part: "host", "the host parameter must be the absolute path of the server's socket folder")
                }
                socketDirectory = value
            case "sslrootcert":
                rootCertificatePath = value
            default:
                throw PostgresConfigurationError(
                    part: String(name), "the database URL's parameter \(name) is not known (known: sslmode, host, sslrootcert)"
                )
            }
        }
        if host.isEmpty && socketDirectory == nil {
            throw PostgresConfigurationError(part: "host", "the database URL names no host (postgres://USER@HOST/DB, or ?host=/socket/dir)")
        }
        if rootCertificatePath != nil && tls != .verifyFull {
            throw PostgresConfigurationError(part: "sslrootcert", "sslrootcert is used only with sslmode=verify-full")
        }
        guard poolSize >= 1 else { throw PostgresConfigurationError(part: "pool size", "the pool size must be at least 1 (it is \(poolSize))") }
        guard leaseSeconds >= 1 else {
            throw PostgresConfigurationError(part: "lease seconds", "the claim lease must be at least 1 second (it is \(leaseSeconds))")
        }
        self.user = user
        self.password = password ?? urlPassword
        self.host = host
        self.port = port
        self.socketDirectory = socketDirectory
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
        self.poolSize = poolSize
        self.leaseSeconds = leaseSeconds
    }

    /// The URL with the password replaced by `***`: what logs and status may show.
    public var description: String {
        let credentials = user.percentEncodedForURL + (password == nil ? "" : ":***")
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var parameters = ["sslmode=\(tls.rawValue)"]
        if let socketDirectory { parameters.append("host=\(socketDirectory)") }
        if let rootCertificatePath { parameters.append("sslrootcert=\(rootCertificatePath)") }
        return "postgres://\(credentials)@\(hostPart):\(port)/\(database.percentEncodedForURL)?\(parameters.joined(separator: "&"))"
    }

    /// `HOST`, `HOST:PORT`, `[IPv6]` or `[IPv6]:PORT`; the host may be empty (a socket folder names the server).
    private static func hostAndPort(_ text: Substring) throws(PostgresConfigurationError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw PostgresConfigurationError(part: "host", "the database URL's IPv6 host has no closing ]")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw PostgresConfigurationError(part: "host", "the database URL has text after its IPv6 host") }
                portText = after.dropFirst()
            }
        } else {
            (host, portText) = text.splitOnce(":")
        }
        guard let decodedHost = host.percentDecoded() else {
            throw PostgresConfigurationError(part: "host", "the database URL's host is badly percent-encoded")
        }
        guard let portText else { return (decodedHost, defaultPort) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PostgresConfigurationError(part: "port", "the database URL's port is not a number from 1 to 65535")
        }
        return (decodedHost, port)
    }
}

/// A database URL or setting that cannot be used: which part, and why. Never holds the password.
public struct PostgresConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The part of the URL (scheme, user, password, host, port, database, a parameter's name) or the setting.
    public var part: String
    public var message: String

    init(part: String, _ message: String) {
        self.part = part
        self.message = message
    }

    public var description: String { message }
}

extension Substring {
    /// The text before and after the first `separator`; nil after when there is none.
    fileprivate func splitOnce(_ separator: Character) -> (Substring, Substring?) {
        guard let index = firstIndex(of: separator) else { return (self, nil) }
        return (self[..<index], self[self.index(after: index)...])
    }

    fileprivate func percentDecoded() -> String? {
        String(self).removingPercentEncoding
    }
}

extension String {
    fileprivate var percentEncodedForURL: String {
        addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/?#"))) ?? self
    }
}
