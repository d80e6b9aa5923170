import Foundation
import ShuniuCore
import ShuniuSpec


/// The checks that look beyond one record — references to other records, sequences across a
/// group of records, and publication deadlines — against the batch itself and the store.
///
/// A record may refer to one sent earlier or to one in the same batch (a tender project with its
/// sections). The batch's records win over stored ones with the same key, since they are about
/// to become the latest versions.
struct BatchRules: Sendable {
    let spec: DataSpec
    let store: any IngestStore

    /// A record of the batch that passed its own checks.
    struct Candidate: Sendable {
        var index: Int
        var dataset: DatasetSpec
        /// The platform that sent it.
        var platform: PlatformID
        var key: String
        var fields: [String: String]
        /// The JSON path of the record's fields in the request (`$.records[2].data`).
        var path: String
    }

    struct Verdict: Sendable {
        var problems: [Problem] = []
        var warnings: [Problem] = []
    }

    /// Problems (which refuse the record) and warnings per candidate index.
    func check(_ candidates: [Candidate]) async throws -> [Int: Verdict] {
        let lookups = Set(candidates.flatMap(lookups(for:)))
        let stored = try await store.latestFields(lookups)
        let listings = try await store.listings(of: Set(candidates.flatMap { participantCodes(of: $0).map(\.code) }))
        let index = BatchIndex(candidates: candidates)
        func records(_ lookup: RecordLookup) -> [[String: String]] {
            let fromStore = (stored[lookup] ?? []).filter { !index.contains(lookup.dataset, key: $0.businessKey) }.map(\.fields)
            return fromStore + index.matching(lookup).map(\.fields)
        }
        var verdicts: [Int: Verdict] = [:]
        for candidate in candidates {
            var verdict = Verdict()
            verdict.problems += referenceProblems(candidate, records: records)
            verdict.problems += sequenceProblems(candidate, records: records)
            verdict.problems += withdrawalProblems(candidate, stored: stored)
            verdict.warnings += missedDeadlines(candidate, records: records)
            verdict.warnings += listedParticipants(candidate, listings: listings)
            if !verdict.problems.isEmpty || !verdict.warnings.isEmpty { verdicts[candidate.index] = verdict }
        }
        return verdicts
    }

    // MARK: - What to fetch

    private func lookups(for candidate: Candidate) -> [RecordLookup] {
        var found: [RecordLookup] = []
        if let withdrawal = candidate.dataset.withdraws, let parts = values(withdrawal.fields, of: candidate), let original = lookup(withdrawal.dataset, parts) {
            found.append(original)
        }
        for reference in candidate.dataset.references {
            found += keyParts(reference.fields, of: candidate).compactMap { lookup(reference.dataset, $0) }
        }
        for rule in candidate.dataset.rules where rule.rule == .sequence {
            if let groupBy = rule.groupBy, let parts = values(groupBy, of: candidate) {
                found.append(RecordLookup(dataset: candidate.dataset.dataset, keyParts: parts, isWholeKey: false))
            }
        }
        for deadline in candidate.dataset.deadlines {
            if let target = deadline.from.dataset {
                found += keyParts(deadline.from.fields ?? [], of: candidate).compactMap { lookup(target, $0) }
            }
        }
        return found
    }

    private func lookup(_ dataset: DatasetID, _ parts: [String]) -> RecordLookup? {
        guard let target = spec.dataset(dataset) else { return nil }
        return RecordLookup(dataset: dataset, keyParts: parts, isWholeKey: parts.count == target.key.count)
    }

    private func values(_ fields: [String], of candidate: Candidate) -> [String]? {
        let found = fields.compactMap { candidate.fields[$0] }
        return found.count == fields.count && !found.isEmpty ? found : nil
    }

    /// The referenced keys: one, or one per element when the single field is a list (`BID_SECTION_CODES`).
    private func keyParts(_ fields: [String], of candidate: Candidate) -> [[String]] {
        guard let parts = values(fields, of: candidate) else { return [] }
        if fields.count == 1, let type = candidate.dataset.field(fields[0])?.type, type == .sectionCodes || type == .unifiedDealCodes {
            return SpecLists.split(parts[0]).map { [$0] }
        }
        return [parts]
    }

    // MARK: - Checks

    private func problem(_ code: ProblemCode, _ candidate: Candidate, _ field: String, _ message: String) -> Problem {
        Problem(code: code, path: "\(candidate.path).\(field)", label: candidate.dataset.field(field)?.label, message: message)
    }

    private func name(_ field: String, in dataset: DatasetSpec?) -> String {
        "\(dataset?.field(field)?.label ?? field) (\(field))"
    }

    private func referenceProblems(_ candidate: Candidate, records: (RecordLookup) -> [[String: String]]) -> [Problem] {
        var problems: [Problem] = []
        for reference in candidate.dataset.references {
            if let unless = reference.unlessField, candidate.fields[unless] != nil { continue }
            let target = spec.dataset(reference.dataset)
            let targetName = "\(reference.dataset) \(target?.label ?? "")"
            for parts in keyParts(reference.fields, of: candidate) {
                guard let lookup = lookup(reference.dataset, parts) else { continue }
                let found = records(lookup)
                if found.isEmpty {
                    if reference.isOptional { continue }
                    let hint = reference.unlessField.map { ", or give \(name($0, in: candidate.dataset))" } ?? ""
                    problems.append(problem(.referenceMissing, candidate, reference.fields[0],
                        "no \(targetName) record \(parts.joined(separator: "|")) in this batch or the hub; send it first or in the same batch\(hint)"))
                    continue
                }
                if let comparison = reference.notBefore, let mine = candidate.fields[comparison.field], let myTime = SpecTime.parseTimeOrDate(mine) {
                    let theirs = found.compactMap { $0[comparison.theirs] }.compactMap { text in SpecTime.parseTimeOrDate(text).map { (text, $0) } }
                    if let latest = theirs.max(by: { $0.1 < $1.1 }), myTime < latest.1 {
                        problems.append(problem(.referenceTimeOrder, candidate, comparison.field,
                            "\(name(comparison.field, in: candidate.dataset)) \(mine) is before \(name(comparison.theirs, in: target)) \(latest.0) of \(targetName) \(parts.joined(separator: "|"))"))
                    }
                }
            }
        }
        return problems
    }

    private func sequenceProblems(_ candidate: Candidate, records: (RecordLookup) -> [[String: String]]) -> [Problem] {
        var problems: [Problem] = []
        for rule in candidate.dataset.rules where rule.rule == .sequence {
            guard let field = rule.field, let groupBy = rule.groupBy, let parts = values(groupBy, of: candidate) else { continue }
            let group = records(RecordLookup(dataset: candidate.dataset.dataset, keyParts: parts, isWholeKey: false))
            let ranks = group.compactMap { $0[field] }.compactMap { Int($0) }.sorted()
            guard !ranks.isEmpty, ranks != Array(1...ranks.count) else { continue }
            let repeated = Dictionary(grouping: ranks, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            let missing = Set(1...max(ranks.last ?? 1, ranks.count)).subtracting(ranks).sorted()
            var detail: [String] = []
            if !missing.isEmpty { detail.append("missing \(missing.map(String.init).joined(separator: ", "))") }
            if !repeated.isEmpty { detail.append("repeated \(repeated.map(String.init).joined(separator: ", "))") }
            if ranks.contains(where: { $0 < 1 }) { detail.append("ranks start at 1") }
            problems.append(problem(.sequence, candidate, field,
                "\(name(field, in: candidate.dataset)) must run 1..n without gaps or repeats across \(groupBy.joined(separator: ", ")) \(parts.joined(separator: "|")): found \(ranks.map(String.init).joined(separator: ", ")) (\(detail.joined(separator: "; ")))"))
        }
        return problems
    }

    /// A withdrawal is sent by the platform that owns the record it withdraws (一数一源): another
    /// platform may not take a blacklist entry out of force.
    private func withdrawalProblems(_ candidate: Candidate, stored: [RecordLookup: [LatestFields]]) -> [Problem] {
        guard let withdrawal = candidate.dataset.withdraws, let parts = values(withdrawal.fields, of: candidate),
              let original = lookup(withdrawal.dataset, parts),
              let owner = stored[original]?.first(where: { $0.businessKey == parts.joined(separator: "|") })?.platform,
              owner != candidate.platform.rawValue else { return [] }
        return [problem(.referenceOtherOwner, candidate, withdrawal.fields[0],
            "\(withdrawal.dataset) \(parts.joined(separator: "|")) belongs to platform \(owner), its source (一数一源): only it may withdraw it")]
    }

    /// The subject codes in a record's participant fields; a 联合体's members are separated by
    /// commas or semicolons, and each is checked (`member` counts from 1 among `members`).
    func participantCodes(of candidate: Candidate) -> [(field: String, code: String, member: Int, members: Int)] {
        candidate.dataset.participants.flatMap { field in
            let codes = (candidate.fields[field] ?? "").split(whereSeparator: { ",;，；".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return codes.enumerated().map { (field, $0.element, $0.offset + 1, codes.count) }
        }
    }

    /// Participants listed as 失信被执行人 or on a 黑名单 in force: warnings for the supervisor, never
    /// refusals. A listing is in force while its latest version still names the code, its
    /// dataset's `inactiveWhen` does not hold, and no withdrawal (303) withdrew it. The message
    /// names the listing by its hub id, not its key or the code, which may be an ID number:
    /// the warning travels with the record to readers who see personal data masked.
    private func listedParticipants(_ candidate: Candidate, listings: [String: [SubjectListing]]) -> [Problem] {
        var warnings: [Problem] = []
        for (field, code, member, members) in participantCodes(of: candidate) {
            for listing in listings[code] ?? [] {
                guard let list = spec.dataset(listing.dataset)?.lists, listing.fields[list.subjectField] == code,
                      list.isInForce(listing.fields), !listing.withdrawn else { continue }
                let who = members > 1 ? "member \(member) of the 联合体 in \(name(field, in: candidate.dataset))" : name(field, in: candidate.dataset)
                warnings.append(problem(.participantListed, candidate, field,
                    "\(who) is listed as \(list.label) (dataset \(listing.dataset), hub record \(listing.hubId)): it may not bid, act as a tendering agency or evaluate bids (法〔2016〕285号)"))
            }
        }
        return warnings
    }

    private func missedDeadlines(_ candidate: Candidate, records: (RecordLookup) -> [[String: String]]) -> [Problem] {
        var warnings: [Problem] = []
        for deadline in candidate.dataset.deadlines {
            guard let laterText = candidate.fields[deadline.field], let later = SpecTime.parseTimeOrDate(laterText) else { continue }
            var origins: [String] = []
            if let target = deadline.from.dataset {
                origins = keyParts(deadline.from.fields ?? [], of: candidate).compactMap { lookup(target, $0) }
                    .flatMap(records).compactMap { $0[deadline.from.field] }
            } else if let own = candidate.fields[deadline.from.field] {
                origins = [own]
            }
            // The earliest origin: the deadline runs from the first time the obligation arose.
            guard let origin = origins.compactMap({ text in SpecTime.parseTimeOrDate(text).map { (text, $0) } }).min(by: { $0.1 < $1.1 }) else { continue }
            let unit = deadline.unit ?? .days
            let calendar = spec.calendar
            let elapsed = unit == .workingDays ? Double(calendar.workingDays(from: origin.1, to: later)) : SpecTime.days(from: origin.1, to: later)
            let unitName = unit == .workingDays ? "working days" : "days"
            var breach: String?
            if let most = deadline.atMostDays {
                if unit == .workingDays {
                    if elapsed > Double(most) { breach = "more than \(most) \(unitName)" }
                } else {
                    // "Within N days": the start day is not counted, and a last day that is a
                    // rest day moves to the next working day (民法典 第二百零一条, 第二百零三条).
                    let nominal = SpecTime.day(origin.1) + most
                    let last = calendar.lastDay(of: most, from: origin.1)
                    if SpecTime.day(later) > last {
                        let moved = last == nominal ? "" : ", moved from \(SpecTime.dayText(nominal)) (\(calendar.restDayName(nominal) ?? "a rest day"))"
                        breach = "after the last day of \(most) \(unitName), \(SpecTime.dayText(last))\(moved)"
                    }
                }
            }
            if let least = deadline.atLeastDays, elapsed < Double(least) { breach = "less than \(least) \(unitName)" }
            // Say so when the answer leaned on a year whose holidays the hub does not know.
            let missing = calendar.uncoveredYears(from: origin.1, to: later)
            if breach != nil, unit == .workingDays || deadline.atMostDays != nil, !missing.isEmpty {
                breach? += "; no holiday calendar for \(missing.map(String.init).joined(separator: ", ")) in Mappings/spec/calendar/, so only weekends were taken as rest days"
            }
            guard let breach else { continue }
            let source = deadline.source.map { " (\($0))" } ?? ""
            warnings.append(problem(.deadlineMissed, candidate, deadline.field,
                "\(deadline.id) \(deadline.label)\(source): \(laterText) is \(SpecTime.daysText(elapsed)) \(unitName) after \(deadline.from.field) \(origin.0), \(breach)"))
        }
        return warnings
    }
}

/// The batch's valid records by dataset and key, for references within one batch.
private struct BatchIndex {
    private var byDataset: [DatasetID: [String: BatchRules.Candidate]] = [:]

    init(candidates: [BatchRules.Candidate]) {
        for candidate in candidates {
            byDataset[candidate.dataset.dataset, default: [:]][candidate.key] = candidate
        }
    }

    func contains(_ dataset: DatasetID, key: String) -> Bool {
        byDataset[dataset]?[key] != nil
    }

    func matching(_ lookup: RecordLookup) -> [BatchRules.Candidate] {
        guard let records = byDataset[lookup.dataset] else { return [] }
        let key = lookup.keyParts.joined(separator: "|")
        if lookup.isWholeKey { return records[key].map { [$0] } ?? [] }
        return records.filter { $0.key.hasPrefix(key + "|") }.map(\.value)
    }
}
