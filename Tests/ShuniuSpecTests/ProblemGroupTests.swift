import ShuniuCore
import Testing

@Suite("Problems grouped by rule and path")
struct ProblemGroupTests {
    @Test("The same rule at the same place of many records is one group listing every instance")
    func grouping() {
        var problems = (0..<12).map { Problem(code: .fieldDateTime, path: "$.records[\($0)].data.CREATE_TIME", label: "建立时间", message: "bad \($0)") }
        problems.append(Problem(code: .fieldRequired, path: "$.records[3].data.PROJECT_NAME", label: "项目名称", message: "missing"))
        problems.append(Problem(code: .fieldDateTime, path: "$.records[3].data.OTHER_TIME", message: "bad"))
        let groups = ProblemGroup.grouping(problems)
        #expect(groups.count == 3)
        #expect(groups[0].code == .fieldDateTime && groups[0].path == "$.records[*].data.CREATE_TIME")
        #expect(groups[0].count == 12 && groups[0].instances.count == 12)
        #expect(groups[0].instances[11].path == "$.records[11].data.CREATE_TIME" && groups[0].instances[11].message == "bad 11")
        #expect(groups[0].label == "建立时间")
        #expect(groups.dropFirst().map(\.count) == [1, 1])
        #expect(ProblemGroup.grouping([]).isEmpty)
        #expect(ProblemGroup.grouping(problems).reduce(0) { $0 + $1.count } == problems.count)
    }

    @Test("Nested positions are all generalized")
    func nestedPaths() {
        let groups = ProblemGroup.grouping([
            Problem(code: .mappingTransform, path: "$.TenderProject.BidSection[0].price", message: "x"),
            Problem(code: .mappingTransform, path: "$.TenderProject.BidSection[10].price", message: "y"),
        ])
        #expect(groups.map(\.path) == ["$.TenderProject.BidSection[*].price"])
        #expect(groups.first?.count == 2)
    }
}
