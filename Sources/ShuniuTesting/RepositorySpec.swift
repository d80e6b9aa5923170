import ShuniuSpec

/// The repository's spec, loaded once a test run: with every nationally numbered dataset and the
/// full region tables it takes a noticeable moment to read, and test suites made a new instance
/// (and so loaded it again) for every test, on the threads every in-process hub needs.
enum RepositorySpec {
    static let loaded = Result { try SpecLoader.load(directory: RepositoryPaths.spec) }
}

extension RepositoryPaths {
    /// The spec in `Mappings/spec`, loaded on first use and shared by the whole run.
    public static func loadedSpec() throws -> DataSpec {
        try RepositorySpec.loaded.get()
    }
}
