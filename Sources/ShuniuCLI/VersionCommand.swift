import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuSpec
import ShuniuTrust

/// `shuniu version`: what this build is (`shuniu --version` prints the short form).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "This build's version and commit, the spec version it reads, and its Swift and OpenSSL versions."
    )

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var version: String
        var commit: String
        /// Nil when the spec folder cannot be read.
        var spec: String?
        var swift: String
        var openssl: String
    }

    func run() throws {
        let specDir = try hub.configuration().specDir
        let report = Report(
            version: BuildInfo.version, commit: BuildInfo.commit,
            spec: try? SpecLoader.load(directory: specDir).version,
            swift: BuildInfo.swiftVersion, openssl: OpenSSLVersion.text
        )
        if output.json { return try Output.json(report) }
        print("shuniu \(report.version) (commit \(report.commit))")
        print("spec: \(report.spec ?? "cannot read \(specDir)")")
        print("swift: \(report.swift)")
        print("openssl: \(report.openssl)")
    }
}
