import ShuniuCore

/// Bounds on what one answer (and its audit entry) says about a batch's problems, so that a
/// body built to fail in a thousand ways per record cannot make an answer or an audit row many
/// times its own size. Every record still gets its verdict; only the listing is cut, and the
/// count of what was left out is said.
enum ProblemBounds {
    /// Problems listed for one record.
    static let perRecord = 20
    /// Problems listed for a whole batch.
    static let perBatch = 1000
    /// Characters kept of a problem's path and message: both may quote what was sent.
    static let pathLength = 200
    static let messageLength = 400

    /// Cuts each rejected record's problems to what the bounds allow, in batch order.
    static func apply(to outcomes: inout [IngestService.Outcome]) {
        var budget = perBatch
        for position in outcomes.indices {
            guard case .rejected(let index, let dataset, let key, let problems) = outcomes[position].item else { continue }
            outcomes[position].item = .rejected(index: index, dataset: dataset, key: key, problems: bounded(problems, index: index, budget: &budget))
        }
    }

    static func bounded(_ problems: [Problem], index: Int, budget: inout Int) -> [Problem] {
        let listed = max(0, min(perRecord, budget, problems.count))
        budget -= listed
        var kept = problems.prefix(listed).map(shortened)
        if problems.count > listed {
            kept.append(Problem(
                code: .moreProblems, path: "$.records[\(index)]",
                message: "\(problems.count - listed) more problems of this record are not listed (at most \(perRecord) a record and \(perBatch) a batch are); correct these and send it again"
            ))
        }
        return kept
    }

    static func shortened(_ problem: Problem) -> Problem {
        var problem = problem
        problem.path = shortened(problem.path, to: pathLength)
        problem.message = shortened(problem.message)
        return problem
    }

    static func shortened(_ text: String, to length: Int = messageLength) -> String {
        text.count > length ? String(text.prefix(length)) + "…" : text
    }
}
