/// The commit this binary was built from; rewritten by `Ops/stamp-build-info.sh` for a release build.
enum BuildCommit {
    static let value = "unknown"
}
