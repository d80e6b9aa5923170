import Foundation
import ShuniuCore
import ShuniuSpec
import Synchronization

/// The mapping files in force, `<folder>/<platform-id>.yaml`, one per platform.
///
/// `reload()` reads the folder again without a restart (`shuniu mappings reload`, SIGHUP). A file
/// that does not load is refused with its lines and the previous version of that platform's
/// mapping stays in force, so a typo never stops a platform's traffic.
public final class MappingRegistry: Sendable {
    public let folder: String
    public let spec: DataSpec
    private let state = Mutex(State())

    private struct State {
        var engines: [PlatformID: MappingEngine] = [:]
        /// Platforms whose file is present but has never loaded: their payloads cannot be read.
        var broken: Set<PlatformID> = []
    }

    /// What one reload did.
    public struct ReloadReport: Sendable, Encodable {
        /// Platform → mapping version now in force, for files read successfully.
        public var loaded: [String: String] = [:]
        /// Platforms whose file is gone: they send spec-shaped records again.
        public var removed: [String] = []
        /// Problems of refused files (their previous mapping, if any, stays in force).
        public var refused: [Diagnostic] = []

        public var isClean: Bool { refused.isEmpty }
    }

    public init(folder: String, spec: DataSpec) {
        self.folder = folder
        self.spec = spec
    }

    /// The engine for a platform's payloads, or nil when it sends spec-shaped records.
    public func engine(for platform: PlatformID) -> MappingEngine? {
        state.withLock { $0.engines[platform] }
    }

    /// True when the platform has a mapping file that has never loaded: its payloads are refused
    /// rather than read as spec-shaped records.
    public func isBroken(_ platform: PlatformID) -> Bool {
        state.withLock { $0.broken.contains(platform) }
    }

    /// Every mapping in force.
    public var mappings: [PlatformMapping] {
        state.withLock { $0.engines.values.map(\.mapping) }.sorted { $0.platform.rawValue < $1.platform.rawValue }
    }

    /// Reads every mapping file again; see the type's comment for what happens to a broken one.
    @discardableResult
    public func reload() -> ReloadReport {
        var report = ReloadReport()
        var fresh: [PlatformID: MappingEngine] = [:]
        var present = Set<PlatformID>()
        var failed = Set<PlatformID>()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let file = (folder as NSString).appendingPathComponent(name)
            let stem = String(name.dropLast(".yaml".count))
            guard let platform = PlatformID(rawValue: stem) else {
                report.refused.append(Diagnostic(file: file, line: nil, message: "a mapping file is named <platform-id>.yaml (11 characters such as E4201000003)"))
                continue
            }
            present.insert(platform)
            do {
                let mapping = try MappingLoader.load(file: file, spec: spec)
                guard mapping.platform == platform else {
                    failed.insert(platform)
                    report.refused.append(Diagnostic(file: file, line: nil, message: "the file is named for \(platform) but says platform \(mapping.platform)"))
                    continue
                }
                fresh[platform] = MappingEngine(mapping: mapping, spec: spec)
                report.loaded[platform.rawValue] = mapping.version
            } catch let error as DiagnosticsError {
                failed.insert(platform)
                report.refused += error.diagnostics
            } catch {
                failed.insert(platform)
                report.refused.append(Diagnostic(file: file, line: nil, message: "\(error)"))
            }
        }
        state.withLock { current in
            report.removed = current.engines.keys.filter { !present.contains($0) }.map(\.rawValue).sorted()
            for platform in report.removed.compactMap(PlatformID.init(rawValue:)) { current.engines[platform] = nil }
            current.engines.merge(fresh) { _, new in new }
            current.broken = failed.filter { current.engines[$0] == nil }
        }
        return report
    }
}
