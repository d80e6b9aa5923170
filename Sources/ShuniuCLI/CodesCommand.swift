import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuSpec

/// `shuniu codes`: real 统一社会信用代码 and 组织机构代码 that fail their check character, allowed by
/// an operator on top of Mappings/spec/codes/known-invalid-check.yaml. Kept in the store, audited,
/// and put in force in a running hub at once (SIGHUP); a hub that starts reads them.
struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Allow real codes that fail their check character (accepted with an id.check_character_listed warning).",
        subcommands: [Allow.self, List.self, Remove.self]
    )

    struct Allow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allow a real 统一社会信用代码 or 组织机构代码 that fails its check character.",
            discussion: "Audited as codes.allow with the reason. Records carrying the code are then accepted with an id.check_character_listed warning naming the operator and the reason."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The code, as registered (18-character credit code, or 9-character organization code with or without its hyphen).") var code: String
        @Option(help: "Why the code is real (its registration, the authority that confirmed it), for the audit log.") var reason: String
        @Option(name: .long, help: "Seconds to wait for a running hub's answer.") var wait: Int = 10

        func validate() throws {
            guard KnownInvalidCodes.kindFailingOnlyCheckCharacter(code) != nil else {
                let valid = CreditCode.isValid(code) || OrganizationCode.isValid(code)
                throw ValidationError(valid
                    ? "\(code) passes its check character: it needs no allowing"
                    : "\(code) is not a 统一社会信用代码 or 组织机构代码 that fails only its check character")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why the code is real") }
        }

        func run() async throws {
            guard let kind = KnownInvalidCodes.kindFailingOnlyCheckCharacter(code) else { throw CLIFailure("not an allowable code") }
            let store = try await hub.openStore()
            defer { try? store.close() }
            let before = try await store.auditEntries(limit: 1).first?.id ?? 0
            do {
                _ = try await store.allowCode(code, kind: kind.rawValue, reason: reason, by: operatorOption.resolved)
            } catch let error as StoreError where error.code == .invalidChange {
                throw CLIFailure(error.message)
            }
            print("\(kind.chineseName) \(code) allowed")
            try await CodesCommand.tellRunningHub(try hub.configuration(), store: store, after: before, wait: wait)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the codes operators allowed (the shipped ones are in Mappings/spec/codes/known-invalid-check.yaml).")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let codes = try await store.allowedCodes()
            if output.json { return try Output.json(codes) }
            print(Output.table(["CODE", "KIND", "ALLOWED BY", "AT", "REASON"], codes.map {
                [$0.code, $0.kind, $0.addedBy, Output.time($0.addedAt), $0.reason]
            }))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a code off the operators' list (audited as codes.remove); its records are refused again.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The code.") var code: String
        @Option(help: "Why, for the audit log.") var reason: String
        @Option(name: .long, help: "Seconds to wait for a running hub's answer.") var wait: Int = 10

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let before = try await store.auditEntries(limit: 1).first?.id ?? 0
            do {
                try await store.removeAllowedCode(code, reason: reason, by: operatorOption.resolved)
            } catch let error as StoreError where error.code == .notFound {
                throw CLIFailure(error.message)
            }
            print("\(code) removed")
            try await CodesCommand.tellRunningHub(try hub.configuration(), store: store, after: before, wait: wait)
        }
    }

    /// Has a running hub read the list again (SIGHUP) and waits for its codes.reload entry.
    static func tellRunningHub(_ configuration: HubConfiguration, store: any AuditTrail, after: Int64, wait: Int) async throws {
        guard let pid = configuration.runningDaemon else {
            print("no running hub: in force when the hub starts")
            return
        }
        guard kill(pid, SIGHUP) == 0 else { throw CLIFailure("could not signal the hub (pid \(pid)): \(String(cString: strerror(errno))); in force at its next start") }
        let deadline = Date().addingTimeInterval(TimeInterval(wait))
        while Date() < deadline {
            if let answer = try await store.auditEntries(limit: 5, action: "codes.reload").first(where: { $0.id > after }) {
                guard answer.outcome == "ok" else { throw CLIFailure("the hub (pid \(pid)) could not read the list: \(answer.detail)") }
                print("in force in the running hub (pid \(pid))")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIFailure("the hub (pid \(pid)) did not answer within \(wait) s; see its log")
    }
}
