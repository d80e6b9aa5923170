import ShuniuCore

/// Reads an upstream's 2xx answer by its format's rule: what it says of each delivery it carried.
/// As strict as a platform's push (bounded depth): an answer never stalls a worker. An answer
/// that cannot be read says nothing, and the format's `unreadable` outcome applies to every delivery.
struct AnswerReader {
    let rule: AnswerRule

    func answers(_ body: [UInt8], to request: DeliveryRequest) -> [Int64: DeliveryAnswer] {
        guard let root = read(body) else { return every(request, rule.unreadable.map { answer($0, message: nil) }) }
        if let list = rule.perRecord, let match = rule.match {
            let byKey = Dictionary(request.deliveries.map { ($0.idempotencyKey, $0.id) }, uniquingKeysWith: { first, _ in first })
            var answers: [Int64: DeliveryAnswer] = [:]
            for entry in list.values(in: root).flatMap(Self.items) {
                guard let key = match.values(in: entry).first.flatMap(Self.text), let id = byKey[key] else { continue }
                if let found = outcome(in: entry) { answers[id] = found }
            }
            return answers
        }
        return every(request, outcome(in: root))
    }

    private func every(_ request: DeliveryRequest, _ answer: DeliveryAnswer?) -> [Int64: DeliveryAnswer] {
        guard let answer else { return [:] }
        return Dictionary(uniqueKeysWithValues: request.deliveries.map { ($0.id, answer) })
    }

    /// The answer an entry's status and message give, by the first outcome that matches.
    private func outcome(in entry: JSONValue) -> DeliveryAnswer? {
        let status = rule.status.flatMap { $0.values(in: entry).first }.flatMap(Self.text)
        let message = rule.message.flatMap { $0.values(in: entry).first }.flatMap(Self.text)
        let code = rule.code.flatMap { $0.values(in: entry).first }.flatMap(Self.text)
        for outcome in rule.outcomes {
            if let wanted = outcome.status, wanted != status { continue }
            if let wanted = outcome.code, wanted != code { continue }
            if let part = outcome.messageContains, !(message ?? "").contains(part) { continue }
            let said = [code, message].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ": ")
            return answer(outcome.answer, message: said.isEmpty ? status.map { "status \($0)" } : said)
        }
        return nil
    }

    private func answer(_ kind: AnswerRule.Kind, message: String?) -> DeliveryAnswer {
        switch kind {
        case .accepted: return .accepted
        case .duplicate: return .duplicate
        case .rejected: return .rejected(message)
        case .retry: return .retry(message)
        case .exists: return .exists(message)
        case .absent: return .absent(message)
        }
    }

    private func read(_ body: [UInt8]) -> JSONValue? {
        guard var value = parse(body, as: rule.syntax) else { return nil }
        if let wrapper = rule.unwrap {
            // The answer is the text of one element (a SOAP result): JSON or XML itself.
            guard let inner = Self.find(wrapper, in: value).flatMap(Self.text) else { return nil }
            let bytes = Array(inner.utf8)
            let syntax: AnswerRule.Syntax = inner.drop { $0.isWhitespace }.first == "<" ? .xml : .json
            guard let unwrapped = parse(bytes, as: syntax) else { return nil }
            value = unwrapped
        }
        return value
    }

    private func parse(_ bytes: [UInt8], as syntax: AnswerRule.Syntax) -> JSONValue? {
        switch syntax {
        case .json: return try? JSONReader(maxDepth: 16).read(bytes)
        case .xml: return try? XMLPayload.decode(bytes, maximumDepth: 32)
        }
    }

    /// The first member named `name`, searching depth first (element names in SOAP carry a prefix or none).
    private static func find(_ name: String, in value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if key == name || key.hasSuffix(":" + name) { return member }
            }
            for (_, member) in members.sorted(by: { $0.key < $1.key }) {
                if let found = find(name, in: member) { return found }
            }
            return nil
        case .array(let items):
            return items.lazy.compactMap { find(name, in: $0) }.first
        default:
            return nil
        }
    }

    private static func items(_ value: JSONValue) -> [JSONValue] {
        if case .array(let items) = value { return items }
        return [value]
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number, .bool: return value.canonicalText
        case .object(let members): return members["#text"].flatMap(text)
        default: return nil
        }
    }
}
