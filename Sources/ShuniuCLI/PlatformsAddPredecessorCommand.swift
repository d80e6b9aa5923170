import ArgumentParser
import Foundation
import ShuniuCore

extension PlatformsCommand {
    /// `shuniu platforms add-predecessor ID PREDECESSOR --reason …`: registers a merger.
    struct AddPredecessor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-predecessor",
            abstract: "Register a platform as the successor of another (a merger): it may then create codes that begin with the other's 交易平台标识码 and send new versions of its records.",
            discussion: "Audited as platform.predecessor with the reason. The predecessor keeps its own records and credentials; suspend it separately if it stops sending."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The successor platform's 11-character code.") var id: String
        @Argument(help: "The platform it succeeds.") var predecessor: String
        @Option(help: "Why (the merger's notice, for the audit log).") var reason: String

        func validate() throws {
            for code in [id, predecessor] where PlatformID(rawValue: code) == nil {
                throw ValidationError("'\(code)' is not a platform code (11 characters of 0-9 and A-Z)")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why") }
        }

        func run() async throws {
            guard let successor = PlatformID(rawValue: id), let predecessorID = PlatformID(rawValue: predecessor) else {
                throw CLIFailure("not platform codes")
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let platform = try await store.addPredecessor(predecessorID, to: successor, reason: reason, by: operatorOption.resolved)
                print("\(platform.id) now succeeds \(platform.predecessors.map(\.rawValue).joined(separator: ", ")) (in force at its next push)")
            } catch let error as StoreError where error.code == .platformNotFound || error.code == .invalidChange {
                throw CLIFailure(error.message)
            }
        }
    }
}
