import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuTrust

/// `shuniu consumers`: the readers of the pull API (superior hubs, supervision platforms).
struct ConsumersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumers",
        abstract: "Register, list, show, suspend and resume the readers of the feed; their rate limits and certificates.",
        subcommands: [Add.self, List.self, Show.self, Suspend.self, Resume.self, SetRateLimit.self, SetCertificate.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a consumer and print its app key and secret (shown once).",
            discussion: "It reads every 无条件共享 dataset at once; 有条件共享 datasets and personal data need grants (shuniu grants add)."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "Short name: lower-case letters, digits and -, e.g. national-hub.") var id: String
        @Option(name: .long, help: "Its full name, e.g. 全国公共资源交易平台.") var name: String
        @Option(name: .customLong("app-key"), help: "App key to use (default: generated).") var appKey: String?
        @Option(name: .customLong("requests-per-minute"), help: "Rate limit (default: feed.defaultRequestsPerMinute, 600).") var requestsPerMinute: Int?

        func validate() throws {
            guard Consumer.isWellFormedID(id) else {
                throw ValidationError("--id must be 2 to 64 lower-case letters, digits and -, starting with a letter, got '\(id)'")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
            if let appKey, appKey.count < 8 || appKey.contains(where: { $0.isWhitespace }) {
                throw ValidationError("--app-key must be at least 8 characters without spaces")
            }
            if let requestsPerMinute, !(1...100_000).contains(requestsPerMinute) {
                throw ValidationError("--requests-per-minute must be from 1 to 100000")
            }
        }

        func run() async throws {
            let configuration = try hub.configuration()
            let store = try await hub.openStore(create: true)
            defer { try? store.close() }
            let now = Date()
            let secret = RandomToken.hex(bytes: 32)
            let consumer = Consumer(
                id: id, name: name, appKey: appKey ?? "ck" + RandomToken.hex(bytes: 8),
                requestsPerMinute: requestsPerMinute ?? configuration.reads.defaultRequestsPerMinute, createdAt: now, updatedAt: now
            )
            do {
                try await store.addConsumer(consumer, secret: secret, by: operatorOption.resolved)
            } catch let error as StoreError where [.consumerExists, .appKeyExists].contains(error.code) {
                throw CLIFailure(error.message)
            }
            if output.json { return try Output.json(RegisteredConsumer(consumer: consumer, appSecret: secret)) }
            print("""
                registered consumer \(consumer.id) \(consumer.name)
                app key:    \(consumer.appKey)
                app secret: \(secret)
                The secret is shown only now: hand it to the consumer over a secure channel.
                """)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List consumers.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let consumers = try await store.consumers()
            if output.json { return try Output.json(consumers.map(ConsumerView.init)) }
            if consumers.isEmpty { return print("no consumers registered; add one with `shuniu consumers add`") }
            print(Output.table(
                ["ID", "STATUS", "REQ/MIN", "APP KEY", "CERTIFICATE", "NAME"],
                consumers.map { [$0.id, $0.status.rawValue, "\($0.requestsPerMinute)", $0.appKey, $0.certificate.map { String($0.fingerprint.prefix(16)) + "…" } ?? "-", $0.name] }
            ))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one consumer and its grants (never its secret).")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The consumer's id.") var id: String

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard let consumer = try await store.consumer(id) else { throw CLIFailure.notFound("no consumer \(id) is registered") }
            let grants = try await store.grants(consumer: id)
            if output.json { return try Output.json(ConsumerView(consumer)) }
            let now = Date()
            print("""
                id:             \(consumer.id)
                name:           \(consumer.name)
                status:         \(consumer.status.rawValue)
                app key:        \(consumer.appKey)
                rate limit:     \(consumer.requestsPerMinute) requests a minute
                certificate:    \(consumer.certificate.map { "\($0.subject) (\($0.ca), until \(Output.time($0.notAfter)))\n                fingerprint \($0.fingerprint)" } ?? "-")
                grants in force: \(grants.filter { $0.isInForce(at: now) }.map { "#\($0.id) \($0.dataset)" }.joined(separator: ", ").ifEmpty("none"))
                registered:     \(Output.time(consumer.createdAt))
                """)
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a consumer's reads until resumed.")
        @OptionGroup var change: ConsumerStatusChange
        func run() async throws { try await change.apply(.suspended) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve a suspended consumer's reads again.")
        @OptionGroup var change: ConsumerStatusChange
        func run() async throws { try await change.apply(.active) }
    }

    struct SetRateLimit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-rate-limit", abstract: "Set how many requests a minute a consumer may make.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The consumer's id.") var id: String
        @Argument(help: "Requests a minute, 1 to 100000.") var requestsPerMinute: Int

        func run() async throws {
            guard (1...100_000).contains(requestsPerMinute) else { throw CLIFailure("the rate limit must be from 1 to 100000 requests a minute") }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let consumer = try await store.setConsumerRateLimit(id, to: requestsPerMinute, by: operatorOption.resolved)
                print("\(consumer.id) may now make \(consumer.requestsPerMinute) requests a minute (the daemon applies it at once)")
            } catch let error as StoreError where error.code == .consumerNotFound {
                throw CLIFailure(error.message)
            }
        }
    }

    struct SetCertificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-certificate",
            abstract: "Verify a signing certificate (any recognized CA) and register it as the consumer's, replacing any earlier one."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The consumer's id.") var id: String
        @Argument(help: "The certificate, PEM or DER.") var file: String
        @Option(name: .long, help: "Chain certificates the CA's trust folder lacks (PEM or DER), repeatable.") var chain: [String] = []
        @Option(name: .long, help: "The trust list folder (default: paths.certs, ./Certs).") var certs: String?

        func run() async throws {
            let configuration = try hub.configuration()
            let (certificate, chainCertificates) = try PlatformCertsArguments.certificate(file, chain: chain)
            let verdict = PlatformCertsArguments.verification(configuration, certs: certs).verify(certificate, chain: chainCertificates, at: Date())
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard verdict.valid, let ca = verdict.ca, let identity = verdict.identity else {
                let reasons = verdict.reasons.map { "\($0.code): \($0.message)" }
                try await store.appendAudit(AuditEvent(
                    actorKind: .operator, actor: operatorOption.resolved, action: "consumer.certificate", outcome: "refused", subject: id,
                    detail: JSONText.encode(["fingerprint": certificate.sha256FingerprintHex, "reasons": reasons.joined(separator: "; ")])
                ))
                throw CLIFailure("certificate refused:\n" + reasons.map { "  - " + $0 }.joined(separator: "\n"))
            }
            let registered = ConsumerCertificate(
                fingerprint: certificate.sha256FingerprintHex, der: certificate.der, chain: chainCertificates.map(\.der), ca: ca.id,
                subject: certificate.subject, identityCode: identity.code, notAfter: certificate.notAfter
            )
            do {
                try await store.setConsumerCertificate(id, to: registered, by: operatorOption.resolved)
            } catch let error as StoreError where [.consumerNotFound, .certificateRegistered].contains(error.code) {
                throw CLIFailure(error.message)
            }
            print("""
                registered for consumer \(id): \(certificate.subject)
                CA:          \(ca.id) (\(ca.name))
                holder:      \(identity.name), \(identity.code)
                fingerprint: \(registered.fingerprint)
                The consumer signs with its key and sends the fingerprint in \(SignatureHeader.certificate).
                """)
        }
    }

    struct ConsumerStatusChange: ParsableArguments {
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The consumer's id.") var id: String
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func apply(_ status: ConsumerStatus) async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let consumer = try await store.setConsumerStatus(id, to: status, by: operatorOption.resolved, reason: reason)
                print("consumer \(consumer.id) is now \(consumer.status.rawValue)")
            } catch let error as StoreError where error.code == .consumerNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}

/// A consumer as `consumers list|show --json` print it: the certificate by fingerprint, not DER.
struct ConsumerView: Encodable {
    var id: String
    var name: String
    var status: String
    var appKey: String
    var requestsPerMinute: Int
    var certificateFingerprint: String?
    var certificateSubject: String?
    var createdAt: Date

    init(_ consumer: Consumer) {
        id = consumer.id
        name = consumer.name
        status = consumer.status.rawValue
        appKey = consumer.appKey
        requestsPerMinute = consumer.requestsPerMinute
        certificateFingerprint = consumer.certificate?.fingerprint
        certificateSubject = consumer.certificate?.subject
        createdAt = consumer.createdAt
    }
}

/// What `consumers add --json` prints: the consumer and, this once, its secret.
struct RegisteredConsumer: Encodable {
    var consumer: ConsumerView
    var appSecret: String

    init(consumer: Consumer, appSecret: String) {
        self.consumer = ConsumerView(consumer)
        self.appSecret = appSecret
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
