import ArgumentParser
import Foundation
import ShuniuCore

extension PlatformsCommand {
    /// `shuniu platforms set-strict-fields ID on|off`: whether fields a dataset does not define
    /// are refused or kept.
    struct SetStrictFields: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-strict-fields",
            abstract: "Refuse (on) or keep (off, the default) the fields a platform sends that its dataset does not define.",
            discussion: "Off, such a field is stored with the record under `extra`, delivered and shared with it, and answered with a field.unknown warning. On, the record is refused with field.unknown."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The platform's 11-character code.") var id: String
        @Argument(help: "on or off.") var state: String

        func validate() throws {
            guard PlatformID(rawValue: id) != nil else { throw ValidationError("'\(id)' is not a platform code (11 characters of 0-9 and A-Z)") }
            guard state == "on" || state == "off" else { throw ValidationError("the state is on or off, got '\(state)'") }
        }

        func run() async throws {
            guard let platformID = PlatformID(rawValue: id) else { throw CLIFailure("'\(id)' is not a platform code") }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let platform = try await store.setStrictFields(platformID, to: state == "on", by: operatorOption.resolved)
                print(platform.strictFields
                    ? "\(platform.id): fields a dataset does not define are now refused (field.unknown), from its next push"
                    : "\(platform.id): fields a dataset does not define are now kept under extra, with a field.unknown warning, from its next push")
            } catch let error as StoreError where error.code == .platformNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}
