import Foundation
import ShuniuCore
import ShuniuSpec

/// What one consumer may read right now, under 政务信息资源共享管理暂行办法: every unconditionally
/// shared dataset; a conditionally shared one only with a grant in force; a not-shared one never.
/// Personal fields stay masked unless a grant in force covers them, and 政务公开 fields unless a
/// grant in force opens them to government use.
public struct ReadAccess: Sendable {
    let spec: DataSpec
    /// The consumer's grants in force, by dataset.
    let grants: [DatasetID: [DataGrant]]

    public init(spec: DataSpec, grantsInForce: [DataGrant]) {
        self.spec = spec
        self.grants = Dictionary(grouping: grantsInForce, by: \.dataset)
    }

    /// Whether a dataset may be read, and why not.
    public enum Decision: Sendable, Equatable {
        case open
        case unknownDataset
        case notShared
        case grantRequired
    }

    public func decision(for dataset: DatasetID) -> Decision {
        guard let spec = spec.dataset(dataset) else { return .unknownDataset }
        switch spec.sharing {
        case .unconditional: return .open
        case .conditional: return grants[dataset] == nil ? .grantRequired : .open
        case .none: return .notShared
        }
    }

    /// Every dataset the consumer may read, in order.
    public var readableDatasets: [DatasetID] {
        spec.datasets.keys.filter { decision(for: $0) == .open }.sorted { $0.rawValue < $1.rawValue }
    }

    /// True when a grant in force shows this dataset's personal fields unmasked.
    public func showsPersonalData(of dataset: DatasetID) -> Bool {
        grants[dataset]?.contains(where: \.personalData) == true
    }

    /// True when a grant in force opens this dataset's 政务公开 fields (government use); without
    /// one the reader sees the 社会公开 fields only.
    public func showsGovernmentFields(of dataset: DatasetID) -> Bool {
        grants[dataset]?.contains(where: \.government) == true
    }

    /// The purposes (使用用途) of the grants that opened these datasets, for the read's audit entry.
    public func purposes(for datasets: some Sequence<DatasetID>) -> [String] {
        var seen: [String] = []
        for dataset in datasets {
            for grant in grants[dataset] ?? [] where !seen.contains(grant.purpose) { seen.append(grant.purpose) }
        }
        return seen
    }

    /// The refusal for a dataset that may not be read; nil when it may.
    func refusal(for dataset: DatasetID) -> ReadRefusal? {
        switch decision(for: dataset) {
        case .open: return nil
        case .unknownDataset:
            return ReadRefusal(.unknownDataset, "dataset \(dataset) is not in the spec")
        case .notShared:
            return ReadRefusal(.notShared, "dataset \(dataset) (\(spec.dataset(dataset)?.label ?? "")) is 不予共享: it never leaves the hub")
        case .grantRequired:
            return ReadRefusal(.grantRequired, "dataset \(dataset) (\(spec.dataset(dataset)?.label ?? "")) is 有条件共享: it is read only under a grant for a stated purpose (使用用途); ask the hub's operators for one (shuniu grants add)")
        }
    }
}
