import ShuniuCore
import ShuniuSpec

/// A record's identity and operation as the sender gives them beside its fields: the envelope
/// members `"dataKey"` and `"operation"` of a spec-shaped record, or the mapping targets
/// `DATA_KEY` and `DATA_TYPE` of a mapped one (the spec's DATA_KEY and DATA_TYPE 1/2/3).
struct RecordIdentity: Sendable {
    /// The sender's record id as it sent it.
    var dataKey: String?
    /// `dataKey` scoped to the sender (``DataKey/scoped(_:platform:)``): the key's DATA_KEY member.
    var scopedDataKey: String?
    /// nil: insert or update, whichever the record's identity makes it.
    var operation: RecordOperation?

    /// Reads both; refuses a malformed DATA_KEY or operation, and a record of a dataset
    /// identified by DATA_KEY that carries none.
    static func read(
        dataKey: JSONValue?, operation: JSONValue?, spec: DatasetSpec, platform: PlatformID, dataKeyPath: String, operationPath: String
    ) -> Result<RecordIdentity, ValidationProblems> {
        var identity = RecordIdentity()
        var problems: [Problem] = []
        switch dataKey {
        case nil, .null?:
            break
        case .string(let text)?:
            let trimmed = text.trimmedWhitespace
            if trimmed.isEmpty { break }
            if let problem = DataKey.problem(in: trimmed) {
                problems.append(Problem(code: .dataKeyInvalid, path: dataKeyPath, label: "数据主键", message: "DATA_KEY \(problem)"))
            } else {
                identity.dataKey = trimmed
            }
        case .number(let number)? where number.rounded() == number && number >= 0 && number < 1e15:
            identity.dataKey = String(Int64(number))
        case let other?:
            problems.append(Problem(code: .dataKeyInvalid, path: dataKeyPath, label: "数据主键", message: "DATA_KEY must be a string, got \(other.typeName)"))
        }
        switch operation {
        case nil, .null?:
            break
        case .string(let text)? where RecordOperation(envelope: text) != nil:
            identity.operation = RecordOperation(envelope: text)
        case .number(let number)? where RecordOperation(envelope: String(Int(exactly: number) ?? 0)) != nil:
            identity.operation = RecordOperation(envelope: String(Int(exactly: number) ?? 0))
        case let other?:
            let shown = if case .string(let text) = other { "\"\(text)\"" } else { other.typeName }
            problems.append(Problem(code: .operationInvalid, path: operationPath, label: "数据操作类型",
                                    message: "the operation must be insert, update or delete (the spec's DATA_TYPE 1, 2, 3), got \(shown)"))
        }
        if identity.dataKey == nil && spec.identifiedByDataKey && problems.isEmpty {
            problems.append(Problem(
                code: .dataKeyMissing, path: dataKeyPath, label: "数据主键",
                message: "a record of dataset \(spec.dataset) \(spec.label) is identified by its DATA_KEY, the sending platform's own id of it: send it as \"\(DataKey.envelopeMember)\" beside \"data\" (or map DATA_KEY)"
            ))
        }
        guard problems.isEmpty else { return .failure(ValidationProblems(problems: problems)) }
        identity.scopedDataKey = identity.dataKey.map { DataKey.scoped($0, platform: platform) }
        return .success(identity)
    }
}
