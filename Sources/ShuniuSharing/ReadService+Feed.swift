import Foundation
import ShuniuAuth
import ShuniuCore


extension ReadService {
    /// `GET /api/v1/feed`: record versions in commit order after the cursor, of the datasets the
    /// consumer asked for (or every one it may read), as `{"versions": […], "next": "…", "more": …}`.
    /// With `wait`, an empty page is held open until a version commits or the time is up.
    public func feed(_ request: SignedRequest, query: [(name: String, value: String)]) async throws -> String {
        try await serve(request, action: "read.feed", subject: nil) { _, access in
            let parameters = try FeedParameters(query, pageCap: settings.pageCap, maxWaitSeconds: settings.maxWaitSeconds)
            let datasets: [DatasetID]
            if let asked = parameters.datasets {
                for dataset in asked {
                    guard let refusal = access.refusal(for: dataset) else { continue }
                    throw refusal.code == .unknownDataset ? ReadRefusal(.badQuery, "datasets: \(refusal.message)") : refusal
                }
                datasets = asked
            } else {
                datasets = access.readableDatasets
            }
            var storeQuery = FeedQuery(after: parameters.after, datasets: datasets, regionPrefix: parameters.region,
                                       platform: parameters.platform?.rawValue, limit: parameters.limit)
            let deadline = ContinuousClock.now + .seconds(parameters.waitSeconds)
            var page: FeedPage
            while true {
                let seen = commits.generation
                page = try await store.feedPage(storeQuery)
                guard parameters.after <= page.latest else {
                    // Never answer "nothing new" to a cursor this hub did not give: the reader would skip what comes.
                    throw ReadRefusal(.badQuery, "after=\(parameters.after) is past the latest version (\(page.latest)): that cursor is not from this hub's feed; start again from 0 or from a cursor it gave")
                }
                storeQuery.after = page.next
                guard page.versions.isEmpty, !page.more, !commits.isClosed, ContinuousClock.now < deadline else { break }
                await commits.wait(after: seen, upTo: deadline - ContinuousClock.now)
                if Task.isCancelled { break }
            }
            let records = Set(page.versions.map(\.hubId))
            let disputes = try await store.openDisputes(records: records)
            let withdrawals = try await store.withdrawals(records: records)
            var masked = 0
            let documents = page.versions.map {
                document($0, access: access, disputes: disputes[$0.hubId] ?? [], withdrawals: withdrawals[$0.hubId] ?? [], masked: &masked)
            }
            let json = "{\"more\":\(page.more),\"next\":\"\(page.next)\",\"versions\":[" + documents.joined(separator: ",") + "]}"
            return Served(json: json, count: documents.count, datasets: Set(page.versions.map(\.dataset)), masked: masked)
        }
    }
}
