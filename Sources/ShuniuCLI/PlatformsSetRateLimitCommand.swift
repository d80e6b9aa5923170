import ArgumentParser
import Foundation
import ShuniuCore

extension PlatformsCommand {
    /// `shuniu platforms set-rate-limit ID N`: pushes a minute before the hub answers 429.
    struct SetRateLimit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-rate-limit", abstract: "Set how many pushes a minute a platform may make (more are answered 429 with Retry-After)."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The platform's 11-character code.") var id: String
        @Argument(help: "Pushes a minute, 1 to 100000.") var requestsPerMinute: Int

        func validate() throws {
            guard PlatformID(rawValue: id) != nil else { throw ValidationError("'\(id)' is not a platform code (11 characters of 0-9 and A-Z)") }
            guard (1...100_000).contains(requestsPerMinute) else { throw ValidationError("the rate limit must be from 1 to 100000 pushes a minute") }
        }

        func run() async throws {
            guard let platformID = PlatformID(rawValue: id) else { throw CLIFailure("'\(id)' is not a platform code") }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let platform = try await store.setPlatformRateLimit(platformID, to: requestsPerMinute, by: operatorOption.resolved)
                print("\(platform.id) may now push \(platform.requestsPerMinute) times a minute (in force at its next push)")
            } catch let error as StoreError where error.code == .platformNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}
