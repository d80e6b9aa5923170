import Foundation
import ShuniuStore
import ShuniuTesting
import Testing

/// The CLI shows times in Beijing time, or UTC with `--utc`, and reads back what it shows.
@Suite("Times the CLI shows")
struct CLITimeDisplayTests {
    /// RFC 3339 to the second, at `offset` seconds east of UTC, written as `+08:00` or `Z`.
    private func expected(_ date: Date, offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: offset)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date) + (offset == 0 ? "Z" : "+08:00")
    }

    @Test("Tables and JSON are in Beijing time (+08:00) by default and in UTC (Z) with --utc; a shown time is a valid --since")
    func beijingByDefault() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        _ = try await Fixtures.registerBeforeStart(dataDir: folder.path)
        let store = try HubStore(directory: folder.path)
        let entry = try #require(try await store.auditEntries(limit: 1).first)
        try store.close()
        let beijing = expected(entry.at, offset: 8 * 3600), utc = expected(entry.at, offset: 0)

        let table = try await CLI.run(["audit", "list", "--data-dir", folder.path])
        #expect(table.status == 0 && table.output.contains(beijing) && !table.output.contains(utc), "\(table.output)")
        let utcTable = try await CLI.run(["audit", "list", "--data-dir", folder.path, "--utc"])
        #expect(utcTable.status == 0 && utcTable.output.contains(utc) && !utcTable.output.contains(beijing), "\(utcTable.output)")

        let json = try await CLI.run(["audit", "list", "--data-dir", folder.path, "--json"])
        let first = try #require((try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])?.first, "\(json.output)")
        #expect(first["at"] as? String == beijing, "\(first)")
        let utcJSON = try await CLI.run(["audit", "list", "--data-dir", folder.path, "--json", "--utc"])
        let utcFirst = try #require((try JSONSerialization.jsonObject(with: Data(utcJSON.output.utf8)) as? [[String: Any]])?.first, "\(utcJSON.output)")
        #expect(utcFirst["at"] as? String == utc, "\(utcFirst)")

        // What is shown is read back as the same instant, either form; an offset-less time is Beijing time.
        for since in [beijing, utc, String(beijing.dropLast(6))] {
            let listed = try await CLI.run(["audit", "list", "--data-dir", folder.path, "--since", since, "--json"])
            let ids = (try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])?.compactMap { $0["id"] as? Int }
            #expect(ids?.contains(Int(entry.id)) == true, "--since \(since): \(listed.output)")
        }
        let later = expected(entry.at.addingTimeInterval(1), offset: 8 * 3600)
        let none = try await CLI.run(["audit", "list", "--data-dir", folder.path, "--since", later, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(none.output.utf8)) as? [Any])?.isEmpty == true, "\(none.output)")
    }
}
