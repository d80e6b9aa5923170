/// What this build of Shuniu is, for `shuniu --version`, `shuniu version --json` and the
/// `shuniu_build_info` metric.
///
/// `version` is kept here and raised with each release. `commit` is "unknown" in the
/// repository; `Ops/stamp-build-info.sh` writes the checked-out commit into
/// `BuildCommit.swift` before a release build (and `--restore` puts it back), so a packaged
/// binary names the commit it was built from.
public enum BuildInfo {
    public static let version = "0.14.0"
    public static let commit = BuildCommit.value

    /// The compiler this binary was built with (major.minor, from the compile-time conditions).
    public static var swiftVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "before 6.2"
        #endif
    }
}
