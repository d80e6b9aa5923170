import Foundation

extension CEBObject {
    /// The problems of one object's element, at most `limit` of them: those of its elements in
    /// document order, then the elements missing.
    /// `path` is where the element sits (`/project`, `/DataList/project[2]`).
    public func problems(in element: OrderedXMLElement, path: String, limit: Int = 20) -> [CEBProblem] {
        var found: [CEBProblem] = []
        func report(_ kind: CEBProblem.Kind, _ at: String, _ message: String) {
            if found.count < limit { found.append(CEBProblem(kind: kind, path: at, message: message)) }
        }
        guard element.name == self.element else {
            report(.unknownObject, path, "<\(element.name)> is not a \(name) (its root element is <\(self.element)>)")
            return found
        }
        if !element.attributes.isEmpty {
            report(.notSimple, path, "<\(self.element)> takes no attributes; found \(element.attributes.map(\.name).joined(separator: ", "))")
        }
        if !element.text.allSatisfy(\.isWhitespace) {
            report(.notSimple, path, "<\(self.element)> holds elements, not text")
        }

        // Where each name may stand: its place in the flattened order.
        let order = Dictionary(rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var present: [String: OrderedXMLElement] = [:]
        var last: (place: Int, name: String)?
        for child in element.children {
            let at = path + "/" + child.name
            guard let place = order[child.name] else {
                report(.unknownElement, at, "<\(child.name)> is not an element of \(name)")
                continue
            }
            guard present[child.name] == nil else {
                report(.repeatedElement, at, "<\(child.name)> appears more than once")
                continue
            }
            present[child.name] = child
            if let last, place < last.place {
                report(.outOfOrder, at, "<\(child.name)> must come before <\(last.name)>")
            } else {
                last = (place, child.name)
            }
            if let rule = rule(child.name) { problems(of: child, against: rule, at: at, report: report) }
        }

        for item in items {
            switch item {
            case .element(let rule):
                if rule.required, present[rule.name] == nil {
                    report(.missingElement, path + "/" + rule.name, "<\(rule.name)> is required")
                }
            case .choice(let branches):
                let taken = branches.filter { branch in branch.contains { present[$0.name] != nil } }
                if taken.isEmpty {
                    // "<winBidPrice> with <currencyCode> and <priceUnit>, or <otherWinBidPrice>, is required"
                    let options = branches.map { branch in
                        let names = branch.map { "<\($0.name)>" }
                        return names.count > 1 ? names[0] + " with " + names.dropFirst().joined(separator: " and ") : names.joined()
                    }
                    report(.missingElement, path + "/" + (branches.first?.first?.name ?? ""), options.joined(separator: ", or ") + ", is required")
                } else if taken.count > 1 {
                    let names = taken.compactMap { $0.first { present[$0.name] != nil }?.name }
                    report(.choice, path + "/" + names[1], "<\(names[0])> and <\(names[1])> are alternatives: only one may appear")
                } else {
                    for rule in taken[0] where rule.required && present[rule.name] == nil {
                        report(.missingElement, path + "/" + rule.name, "<\(rule.name)> is required with <\(taken[0].first { present[$0.name] != nil }!.name)>")
                    }
                }
            }
        }
        return found
    }

    /// An element's value against its restrictions.
    private func problems(of child: OrderedXMLElement, against rule: CEBElementRule, at path: String,
                          report: (CEBProblem.Kind, String, String) -> Void) {
        guard child.children.isEmpty, child.attributes.isEmpty else {
            report(.notSimple, path, "<\(child.name)> holds a value, not elements or attributes")
            return
        }
        let value = child.text
        // XSD counts characters as code points.
        let count = value.unicodeScalars.count
        if let length = rule.length, count != length {
            report(.length, path, "'\(value)' has \(count) characters; \(length) expected")
        }
        if let minLength = rule.minLength, count < minLength {
            report(.length, path, count == 0 ? "<\(child.name)> may not be empty" : "'\(value)' has \(count) characters; at least \(minLength) expected")
        }
        if let maxLength = rule.maxLength, count > maxLength {
            report(.length, path, "\(count) characters; at most \(maxLength) allowed")
        }
        if let pattern = rule.compiledPattern, !pattern.matchesWhole(value) {
            report(.pattern, path, "'\(value)' does not match the pattern \(rule.pattern ?? "")")
        }
        switch rule.type {
        case .string:
            break
        case .decimalOrEmpty, .limitDecimal:
            // xs:decimal collapses whitespace around the number.
            let number = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if number.isEmpty {
                if rule.type == .limitDecimal { report(.decimal, path, "<\(child.name)> must hold a decimal number") }
            } else if case .failure(let problem) = SpecDecimal.parse(number) {
                report(.decimal, path, problem.message)
            }
        }
    }
}
