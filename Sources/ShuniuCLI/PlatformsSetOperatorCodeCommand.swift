import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSpec

extension PlatformsCommand {
    /// `shuniu platforms set-operator-code ID CODE`: who operates the platform, by credit code.
    struct SetOperatorCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-operator-code",
            abstract: "Set the operator's 统一社会信用代码; certificates of any other holder stop signing for the platform at once."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The platform's 11-character code.") var id: String
        @Argument(help: "The operator's 统一社会信用代码 (18 characters).") var code: String
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func validate() throws {
            guard PlatformID(rawValue: id) != nil else {
                throw ValidationError("'\(id)' is not a platform code (11 characters of 0-9 and A-Z)")
            }
            if let problem = CreditCode.problem(in: OperatorCode.normalized(code)) {
                throw ValidationError("'\(code)' is not a 统一社会信用代码: \(problem)")
            }
        }

        func run() async throws {
            guard let platformID = PlatformID(rawValue: id) else { throw CLIFailure("'\(id)' is not a platform code") }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let platform = try await store.setOperatorCode(platformID, to: OperatorCode.normalized(code), by: operatorOption.resolved, reason: reason)
                print("\(platform.id) is now operated by \(platform.operatorCode ?? "-")")
            } catch let error as StoreError where error.code == .platformNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}

/// How an operator code typed by a person is read: spaces around it dropped, letters upper-cased
/// (the code's alphabet has no lower case).
enum OperatorCode {
    static func normalized(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }
}
