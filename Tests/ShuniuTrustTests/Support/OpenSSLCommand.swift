import Foundation
import ShuniuTesting

/// Runs the `openssl` command, for making test keys, certificates, CRLs and signatures.
enum OpenSSLCommand {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Runs `openssl arguments…` in `folder`; throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String], in folder: URL) throws -> String {
        let (status, output) = try ChildProcess.run("/usr/bin/env", ["openssl"] + arguments, directory: folder.path)
        guard status == 0 else {
            throw Failure(arguments: arguments, status: status, output: output)
        }
        return output
    }
}
