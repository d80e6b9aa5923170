import ShuniuCore

/// A payload that could not be read at all (bad JSON, bad XML), as a problem with the stable
/// code `mapping.payload_syntax`; for XML the message starts with the line and column.
public struct PayloadSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: Problem

    public init(_ problem: Problem) {
        self.problem = problem
    }

    public var description: String { problem.message }
}
