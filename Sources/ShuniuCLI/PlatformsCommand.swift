import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSpec

/// `shuniu platforms`: the registry of trading platforms.
struct PlatformsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platforms",
        abstract: "Register, list, show, suspend and resume trading platforms; their operators and signing certificates.",
        subcommands: [Add.self, List.self, Show.self, Suspend.self, Resume.self, SetOperatorCode.self, SetRateLimit.self, SetStrictFields.self, AddPredecessor.self, Certs.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a certified trading platform and print its app key and secret (shown once).")

        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "交易平台标识码: 11 characters [0-9A-Z], e.g. E4201000001.")
        var id: String

        @Option(name: .long, help: "The platform's name.")
        var name: String

        @Option(name: .customLong("certified-until"), help: "Last day of its 检测认证 certification, yyyy-MM-dd.")
        var certifiedUntil: String

        @Option(name: .long, help: "Datasets it may send, comma-separated, e.g. 500,501,502,503.")
        var datasets: String

        @Option(name: .customLong("app-key"), help: "App key to use (default: generated).")
        var appKey: String?

        @Option(name: .customLong("operator-code"), help: "The operator's 统一社会信用代码 (18 characters): whose certificates may sign for the platform.")
        var operatorCode: String?

        @Option(name: .customLong("requests-per-minute"), help: "Pushes a minute before 429 (default 600).")
        var requestsPerMinute = Platform.defaultRequestsPerMinute

        func validate() throws {
            guard PlatformID(rawValue: id) != nil else {
                throw ValidationError("--id must be 11 characters of 0-9 and A-Z (交易平台标识码), got '\(id)'")
            }
            guard CalendarDay(certifiedUntil) != nil else {
                throw ValidationError("--certified-until must be a day yyyy-MM-dd, got '\(certifiedUntil)'")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
            guard !parsedDatasets.isEmpty else { throw ValidationError("--datasets must name at least one dataset") }
            if let appKey, appKey.count < 8 || appKey.contains(where: { $0.isWhitespace }) {
                throw ValidationError("--app-key must be at least 8 characters without spaces")
            }
            if let operatorCode, let problem = CreditCode.problem(in: OperatorCode.normalized(operatorCode)) {
                throw ValidationError("--operator-code must be a 统一社会信用代码: \(problem)")
            }
            guard (1...100_000).contains(requestsPerMinute) else { throw ValidationError("--requests-per-minute must be from 1 to 100000") }
        }

        var parsedDatasets: [DatasetID] {
            datasets.split(separator: ",").map { DatasetID($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.rawValue.isEmpty }
        }

        func run() async throws {
            let specDir = try hub.configuration().specDir
            let spec = try SpecLoader.load(directory: specDir)
            let unknown = parsedDatasets.filter { spec.dataset($0) == nil }
            guard unknown.isEmpty else {
                throw CLIFailure.notFound(
                    "--datasets: \(unknown.map(\.rawValue).joined(separator: ", ")) \(unknown.count == 1 ? "is not a dataset" : "are not datasets") of the common spec in \(specDir) (`shuniu spec list` shows them)"
                )
            }
            let store = try await hub.openStore(create: true)
            defer { try? store.close() }
            let now = Date()
            let credential = PlatformCredential(appKey: appKey ?? "ak" + RandomToken.hex(bytes: 8), secret: RandomToken.hex(bytes: 32))
            let platform = Platform(
                id: PlatformID(rawValue: id)!, name: name, status: .active, certifiedUntil: CalendarDay(certifiedUntil)!,
                allowedDatasets: parsedDatasets, appKey: credential.appKey, createdAt: now, updatedAt: now,
                operatorCode: operatorCode.map(OperatorCode.normalized), requestsPerMinute: requestsPerMinute
            )
            try await store.addPlatform(platform, secret: credential.secret, by: operatorOption.resolved)
            if output.json {
                try Output.json(RegisteredPlatform(platform: platform, appSecret: credential.secret))
            } else {
                print("""
                    registered \(platform.id) \(platform.name)
                    app key:    \(credential.appKey)
                    app secret: \(credential.secret)
                    The secret is shown only now: hand it to the platform's vendor over a secure channel.
                    """)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered platforms.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let platforms = try await store.platforms()
            if output.json { return try Output.json(platforms) }
            if platforms.isEmpty { return print("no platforms registered; add one with `shuniu platforms add`") }
            let today = CalendarDay(Date())
            print(Output.table(
                ["ID", "STATUS", "CERTIFIED UNTIL", "DATASETS", "APP KEY", "NAME"],
                platforms.map { platform in
                    [platform.id.rawValue, platform.status.rawValue,
                     platform.certifiedUntil.description + (platform.certifiedUntil < today ? " (expired)" : ""),
                     platform.allowedDatasets.map(\.rawValue).joined(separator: ","), platform.appKey, platform.name]
                }
            ))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one platform (never its secret).")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The platform's 11-character code.") var id: String

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard let platformID = PlatformID(rawValue: id), let platform = try await store.platform(platformID) else {
                throw CLIFailure.notFound("no platform \(id) is registered")
            }
            if output.json { return try Output.json(platform) }
            print("""
                id:               \(platform.id)
                name:             \(platform.name)
                status:           \(platform.status.rawValue)
                certified until:  \(platform.certifiedUntil)\(platform.isCertified(at: Date()) ? "" : " (expired: its requests are refused)")
                datasets:         \(platform.allowedDatasets.map(\.rawValue).joined(separator: ", "))
                app key:          \(platform.appKey)
                operator code:    \(platform.operatorCode ?? "- (not set: no certificate may sign for it)")
                rate limit:       \(platform.requestsPerMinute) pushes a minute
                unknown fields:   \(platform.strictFields ? "refused (strict)" : "kept under extra, with a warning")
                succeeds:         \(platform.predecessors.isEmpty ? "-" : platform.predecessors.map(\.rawValue).joined(separator: ", "))
                registered:       \(Output.time(platform.createdAt))
                updated:          \(Output.time(platform.updatedAt))
                """)
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a platform's requests until resumed; nothing it sent is lost.")
        @OptionGroup var change: StatusChange

        func run() async throws {
            try await change.apply(.suspended)
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept a suspended platform's requests again.")
        @OptionGroup var change: StatusChange

        func run() async throws {
            try await change.apply(.active)
        }
    }

    /// What suspending and resuming share: which platform, who, and why.
    struct StatusChange: ParsableArguments {
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The platform's 11-character code.") var id: String
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func apply(_ status: PlatformStatus) async throws {
            guard let platformID = PlatformID(rawValue: id) else {
                throw CLIFailure("'\(id)' is not a platform code (11 characters of 0-9 and A-Z)")
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let platform = try await store.setPlatformStatus(platformID, to: status, by: operatorOption.resolved, reason: reason)
                print("\(platform.id) is now \(platform.status.rawValue)")
            } catch let error as StoreError where error.code == .platformNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}

/// What `platforms add --json` prints: the platform and, this once, its secret.
struct RegisteredPlatform: Encodable {
    var platform: Platform
    var appSecret: String
}

/// Random hex from the system's cryptographic generator.
enum RandomToken {
    static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
