import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuStore

/// Test data: platforms and records with valid identifiers (synthetic, check digits computed).
public enum Fixtures {
    public static let platformID = PlatformID(rawValue: "E4201000001")!
    public static let otherPlatformID = PlatformID(rawValue: "E4201000002")!

    /// Registers a platform straight in the store and returns its credential. Its rate limit is
    /// high enough that no load test meets it (the rate limit's own test sets it low).
    @discardableResult
    public static func register(
        _ id: PlatformID = platformID, in store: any PlatformRegistry, status: PlatformStatus = .active,
        certifiedUntil: CalendarDay = CalendarDay("2099-12-31")!, datasets: [DatasetID] = ["500", "501", "502", "503"],
        requestsPerMinute: Int = 100_000
    ) async throws -> PlatformCredential {
        let credential = PlatformCredential(appKey: "ak-\(id.rawValue)", secret: "secret-\(id.rawValue)-\(UUID().uuidString)")
        let now = Date()
        let platform = Platform(
            id: id, name: "测试交易平台 \(id)", status: status, certifiedUntil: certifiedUntil,
            allowedDatasets: datasets, appKey: credential.appKey, createdAt: now, updatedAt: now, requestsPerMinute: requestsPerMinute
        )
        try await store.addPlatform(platform, secret: credential.secret, by: "test")
        return credential
    }

    /// Registers a platform in the store under `dataDir` and closes it again, before a daemon starts.
    public static func registerBeforeStart(dataDir: String) async throws -> PlatformCredential {
        let store = try HubStore(directory: dataDir)
        defer { try? store.close() }
        return try await register(in: store)
    }

    /// The records of `Ops/samples/first-batch.json`: 500, 501, 502 and 503, all valid.
    public static func sampleRecords() throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.sample("first-batch.json")))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return object["records"] as! [[String: Any]]
    }

    /// One sample record's `data`, with fields changed or removed (`NSNull()` removes).
    public static func record(_ dataset: String, changing changes: [String: Any] = [:]) throws -> [String: Any] {
        let base = try sampleRecords().first { $0["dataset"] as? String == dataset }!
        var data = base["data"] as! [String: Any]
        for (key, value) in changes {
            if value is NSNull { data.removeValue(forKey: key) } else { data[key] = value }
        }
        var record = base
        record["data"] = data
        return record
    }

    /// The first valid record of `Tests/Fixtures/datasets/<dataset>.json`, with fields changed or
    /// removed (`NSNull()` removes), as a batch record (with a DATA_KEY when its dataset is identified by one).
    public static func datasetRecord(_ dataset: String, changing changes: [String: Any] = [:]) throws -> [String: Any] {
        let url = URL(fileURLWithPath: RepositoryPaths.root + "/Tests/Fixtures/datasets/\(dataset).json")
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var data = (fixture["valid"] as! [[String: Any]])[0]
        for (key, value) in changes {
            if value is NSNull { data.removeValue(forKey: key) } else { data[key] = value }
        }
        // A dataset identified by DATA_KEY: one record id per dataset, as a platform would keep.
        if try RepositoryPaths.loadedSpec().dataset(DatasetID(dataset))?.identifiedByDataKey == true {
            return ["dataset": dataset, "dataKey": "\(platformID)-\(dataset)-0001", "data": data]
        }
        return ["dataset": dataset, "data": data]
    }

    /// A batch body from records.
    public static func batch(_ records: [[String: Any]]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: ["records": records], options: [.sortedKeys]))
    }

    /// `count` distinct, valid 500 PROJECT records of one platform, numbered from `start`.
    public static func projects(count: Int, start: Int = 1, platform: PlatformID = platformID) throws -> [[String: Any]] {
        let base = try record("500")
        return (start..<(start + count)).map { number in
            var data = base["data"] as! [String: Any]
            data["PROJECT_CODE"] = platform.rawValue + String(format: "%06d", number)
            data["PROJECT_NAME"] = "测试项目 \(number)"
            return ["dataset": "500", "data": data]
        }
    }
}
