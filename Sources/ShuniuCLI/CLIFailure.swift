import ArgumentParser
import Foundation

/// A command that parsed but could not do its work, with the exit status scripts test:
/// 1 failed or not valid, 2 not found, 3 hub not running or store busy. Printed as
/// `Error: message`, without the usage line that only a bad flag (64) gets.
public struct CLIFailure: Error, CustomStringConvertible, Sendable {
    public var exitCode: Int32
    public var message: String

    public init(_ message: String, exitCode: Int32 = CLIFailure.failed) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    public static let failed: Int32 = 1
    public static let notFoundCode: Int32 = 2
    public static let hubCode: Int32 = 3

    /// What was asked for does not exist (a record, a platform, a dataset…): exit 2.
    public static func notFound(_ message: String) -> CLIFailure { CLIFailure(message, exitCode: notFoundCode) }

    /// The hub is not running when it must be, or runs when it must not: exit 3.
    public static func hub(_ message: String) -> CLIFailure { CLIFailure(message, exitCode: hubCode) }

    /// The exit codes, for the CLI's help and the README.
    static let table = """
        Exit status: 0 ok; 1 failed or not valid; 2 not found; 3 hub not running, or running \
        when it must not (store busy); 64 bad flags or arguments (with the usage line).
        """
}
