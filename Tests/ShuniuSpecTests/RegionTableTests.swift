import ShuniuCore
import ShuniuTesting
import Testing
@testable import ShuniuSpec

@Suite("GB/T 2260 region codes: in force, retired, unknown")
struct RegionTableTests {
    let regions: RegionTable

    init() throws {
        regions = try SpecLoader.load(directory: RepositoryPaths.spec).regions
    }

    @Test("Codes in force in every part of the country are known, development zones included",
          arguments: ["140100", "440300", "650100", "130171", "110105", "420102", "540100", "710000", "820000"])
    func inForce(code: String) {
        #expect(regions.problem(in: code) == nil)
        #expect(regions.retirement(of: code, at: 202603) == nil)
        #expect(regions.retirement(of: code, at: nil) == nil)
    }

    @Test("The shipped tables: the codes in force on 2022-10-31 and every code published from 1980-12 to 2019-04")
    func shippedTables() {
        #expect(regions.names.count == 3342)
        #expect(regions.history.count == 6576)
        #expect(regions.retiredCount == 3430)
        #expect(regions.names["140100"] == "太原市")
        #expect(regions.history["140227"] == RegionValidity(name: "大同县", first: 199312, last: 201801))
    }

    @Test("A retired code is known: no warning at a time within the revisions that list it, a warning before or after")
    func retired() throws {
        // 大同县 was listed from 1993-12 to 2018-01; it became 云州区 of 大同市 in 2018.
        #expect(regions.problem(in: "140227") == nil)
        #expect(regions.retirement(of: "140227", at: 201506) == nil)
        #expect(regions.retirement(of: "140227", at: 201801) == nil)
        let after = try #require(regions.retirement(of: "140227", at: 202603))
        #expect(after.contains("大同县") && after.contains("2018-01") && after.contains("1993-12"))
        #expect(after.contains("the record's time, 2026-03, is after that"), "\(after)")
        #expect(regions.retirement(of: "140227", at: 198806)?.contains("before it was first listed") == true)
        #expect(regions.retirement(of: "140227", at: nil)?.contains("carries no time") == true)
        // Listed in the last revision (2019-04) yet not in force on 2022-10-31.
        #expect(regions.retirement(of: "140726", at: 201904) == nil)
        #expect(regions.retirement(of: "140726", at: 202301)?.contains("太谷县") == true)
    }

    @Test("A code in neither table is refused, named as such", arguments: ["149999", "440399", "420199", "650199"])
    func unknown(code: String) {
        #expect(regions.problem(in: code)?.contains("not in the shipped GB/T 2260 table") == true)
        #expect(regions.retirement(of: code, at: 202603) == nil)
    }

    @Test("Parsing: lines in force, lines with revisions, and bad lines by number")
    func parsing() {
        let text = "# comment\n420100\t武汉市\n420199\t旧区\t198012\t199612\n420198\tx\t199613\t200012\n420197\tx\t200012\t199912\n420196\tx\t1980\n420195\t\n"
        let (table, bad) = RegionTable.parse(text)
        #expect(bad == [4, 5, 6, 7])
        #expect(table.names == ["420100": "武汉市"])
        #expect(table.history == ["420199": RegionValidity(name: "旧区", first: 198012, last: 199612)])
        var merged = RegionTable(names: ["420100": "武汉市"])
        merged.merge(table)
        #expect(merged.problem(in: "420199") == nil && merged.retirement(of: "420199", at: 200001) != nil)
    }
}
