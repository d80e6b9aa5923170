import Foundation

/// Paths inside this repository, for tests that use the shipped spec and samples.
public enum RepositoryPaths {
    /// The repository's root, found from this file's location.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var mappings: String { root + "/Mappings" }
    public static var spec: String { root + "/Mappings/spec" }
    public static var certs: String { root + "/Certs" }
    public static func sample(_ name: String) -> String { root + "/Ops/samples/" + name }

    /// The `shuniu` executable built beside the running test bundle.
    public static var executable: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: testBinary)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("shuniu").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        return root + "/.build/debug/shuniu"
    }
}
