import Foundation
import ShuniuApp
import ShuniuTesting
import Testing

/// Every command reads the same configuration wherever it runs: `--config`, `$SHUNIU_CONFIG`,
/// the installed `/etc/shuniu/shuniu.yaml`, the embedded defaults; and a mistyped folder or
/// dataset never becomes a new store.
@Suite("Configuration outside the repository")
struct ConfigurationSourceTests {
    @Test("--config, then $SHUNIU_CONFIG (empty: none), then the installed file, then the defaults")
    func order() {
        let installed = "/etc/shuniu/shuniu.yaml"
        let present: (String) -> Bool = { $0 == installed }
        let absent: (String) -> Bool = { _ in false }
        #expect(ConfigurationSource.resolve(flag: "a.yaml", environment: ["SHUNIU_CONFIG": "b.yaml"], fileExists: present) == .flag("a.yaml"))
        #expect(ConfigurationSource.resolve(flag: nil, environment: ["SHUNIU_CONFIG": "b.yaml"], fileExists: present) == .environment("b.yaml"))
        #expect(ConfigurationSource.resolve(flag: nil, environment: ["SHUNIU_CONFIG": ""], fileExists: present) == .embedded)
        #expect(ConfigurationSource.resolve(flag: nil, environment: [:], fileExists: present) == .system(installed))
        #expect(ConfigurationSource.resolve(flag: nil, environment: [:], fileExists: absent) == .embedded)
        #expect(ConfigurationSource.embedded.file == nil)
    }

    /// A configuration file naming absolute paths, as an installed one does.
    private func configuration(in folder: TemporaryDirectory) throws -> String {
        let file = folder.file("shuniu.yaml")
        try """
        storage:
          dataDir: \(folder.file("store"))
        paths:
          mappings: \(RepositoryPaths.mappings)
          certs: \(RepositoryPaths.certs)
        """.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    @Test("$SHUNIU_CONFIG reaches every command, run from any folder")
    func environmentFromElsewhere() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = try configuration(in: folder)
        let elsewhere = folder.file("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
        let environment = ["SHUNIU_CONFIG": file]

        let added = try await CLI.run(
            ["platforms", "add", "--id", "E4201000001", "--name", "示范交易平台", "--certified-until", "2030-12-31", "--datasets", "500,501"],
            directory: elsewhere, environment: environment
        )
        #expect(added.status == 0, "\(added.output)")
        #expect(FileManager.default.fileExists(atPath: folder.file("store/shuniu.sqlite")), "the store is the configured one")
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/var"), "nothing is made in the current folder")

        let status = try await CLI.run(["status"], directory: elsewhere, environment: environment)
        #expect(status.status == 0, "\(status.output)")
        #expect(status.output.contains("configuration: \(file) ($SHUNIU_CONFIG)"), "\(status.output)")
        #expect(status.output.contains("E4201000001"), "\(status.output)")

        let checked = try await CLI.run(["mappings", "check"], directory: elsewhere, environment: environment)
        #expect(checked.status == 0, "the configured mappings are found: \(checked.output)")
        let certs = try await CLI.run(["certs", "list"], directory: elsewhere, environment: environment)
        #expect(certs.status == 0, "\(certs.output)")
        #expect(certs.output.contains("in \(RepositoryPaths.certs)"), "the configured trust list is read: \(certs.output)")

        // Without the configuration, the same folder has no store and says so.
        let bare = try await CLI.run(["status"], directory: elsewhere)
        #expect(bare.status == 2, "\(bare.output)")
        #expect(bare.output.contains("no store at \(elsewhere)/var/shuniu.sqlite"), "\(bare.output)")
    }

    @Test("a mistyped --data-dir is refused, not made into a new, empty store")
    func mistypedDataDir() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let typo = folder.file("shuniuu")
        let added = try await CLI.run([
            "platforms", "add", "--data-dir", typo, "--id", "E4201000001", "--name", "示范交易平台",
            "--certified-until", "2030-12-31", "--datasets", "500",
        ])
        #expect(added.status == 2, "\(added.output)")
        #expect(added.output.contains("--data-dir \(typo): no such folder"), "\(added.output)")
        #expect(!FileManager.default.fileExists(atPath: typo), "no folder was made")
    }

    @Test("--datasets must name datasets of the spec")
    func unknownDatasets() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let added = try await CLI.run([
            "platforms", "add", "--data-dir", folder.path, "--id", "E4201000001", "--name", "示范交易平台",
            "--certified-until", "2030-12-31", "--datasets", "500,5O1,999",
        ])
        #expect(added.status == 2, "\(added.output)")
        #expect(added.output.contains("5O1, 999 are not datasets of the common spec"), "\(added.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("shuniu.sqlite")), "nothing was stored")
    }

    @Test("run as root, a command works as the data folder's owner: the files it makes are the daemon's", .enabled(if: getuid() == 0))
    func rootBecomesStoreOwner() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("var")
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: false)
        let nobody: UInt32 = 65534
        #expect(chown(dataDir, nobody, nobody) == 0)
        let added = try await CLI.run([
            "platforms", "add", "--data-dir", dataDir, "--id", "E4201000001", "--name", "示范交易平台",
            "--certified-until", "2030-12-31", "--datasets", "500",
        ])
        #expect(added.status == 0, "\(added.output)")
        for name in ["shuniu.sqlite", "audit.key"] {
            let owner = try FileManager.default.attributesOfItem(atPath: dataDir + "/" + name)[.ownerAccountID] as? NSNumber
            #expect(owner?.uint32Value == nobody, "\(name) belongs to the folder's owner, not root")
        }
    }
}
