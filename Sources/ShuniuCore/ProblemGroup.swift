/// Problems of one kind at one place, when there are many: the same rule failing at the same
/// path of many records (`$.records[*].data.CREATE_TIME`) is one group listing every instance,
/// so that a platform sees the pattern first and still finds each record.
public struct ProblemGroup: Codable, Sendable, Hashable {
    public struct Instance: Codable, Sendable, Hashable {
        public var path: String
        public var message: String
    }

    public var code: ProblemCode
    /// The path with array positions as `[*]`.
    public var path: String
    public var label: String?
    public var count: Int
    public var instances: [Instance]

    /// Groups by code and path pattern, largest group first, then by code and path.
    public static func grouping(_ problems: [Problem]) -> [ProblemGroup] {
        var order: [String] = []
        var groups: [String: ProblemGroup] = [:]
        for problem in problems {
            let pattern = pathPattern(problem.path)
            let id = problem.code.rawValue + " " + pattern
            if groups[id] == nil {
                order.append(id)
                groups[id] = ProblemGroup(code: problem.code, path: pattern, label: problem.label, count: 0, instances: [])
            }
            groups[id]!.count += 1
            groups[id]!.instances.append(Instance(path: problem.path, message: problem.message))
        }
        return order.compactMap { groups[$0] }.sorted {
            ($0.count, $1.code.rawValue, $1.path) > ($1.count, $0.code.rawValue, $0.path)
        }
    }

    /// `$.records[12].data.X` → `$.records[*].data.X`.
    static func pathPattern(_ path: String) -> String {
        var result = ""
        var inIndex = false
        for character in path {
            if character == "[" {
                inIndex = true
                result.append("[*")
            } else if character == "]" {
                inIndex = false
                result.append("]")
            } else if !inIndex {
                result.append(character)
            }
        }
        return result
    }
}
