import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSpec

/// `shuniu spec`: the common data spec as the hub loaded it.
struct SpecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Show the common data spec: datasets, fields, labels, code lists, sharing types.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        /// Which years' holidays are known, and a reminder when next year's are not.
        static func calendarLine(_ calendar: WorkingCalendar, today: Int) -> String {
            let year = SpecTime.civilDate(daysSinceEpoch: today).year
            let known = calendar.years.sorted().map(String.init).joined(separator: ", ")
            var line = "holiday calendar (Mappings/spec/calendar/): \(known.isEmpty ? "none: weekends only" : known)"
            let missing = [year, year + 1].filter { !calendar.years.contains($0) }
            if !missing.isEmpty {
                line += "; add \(missing.map(String.init).joined(separator: " and ")) from the State Council's notice (weekends only until then)"
            }
            return line
        }

        /// What the region table holds, and how long reading the whole spec took.
        static func regionsLine(_ regions: RegionTable, loadedIn duration: Duration) -> String {
            let months = regions.history.values.flatMap { [$0.first, $0.last] }
            let revisions = months.min().map { "\(RegionValidity.monthText($0))…\(RegionValidity.monthText(months.max() ?? $0))" } ?? "none"
            let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
            return "region table (Mappings/spec/regions/): \(regions.names.count) GB/T 2260 codes in force, \(regions.retiredCount) no longer in force "
                + "(revisions \(revisions)); spec read in \(Int(milliseconds.rounded())) ms"
        }

        /// How many code lists are complete, which are not (their unlisted values warn), and how
        /// many real codes failing their check character are shipped.
        static func codeListsLine(_ spec: DataSpec) -> String {
            let incomplete = spec.codeLists.values.filter { !$0.complete }.map(\.name).sorted()
            let values = spec.codeLists.values.reduce(0) { $0 + $1.entries.count }
            return "code lists (Mappings/spec/codelists/): \(spec.codeLists.count) with \(values) values; \(incomplete.count) incomplete "
                + "(an unlisted value is kept with code.unlisted): \(incomplete.joined(separator: ", ")); "
                + "\(spec.knownInvalidCodes.shipped.count) real codes failing their check character (Mappings/spec/codes/), more with shuniu codes allow"
        }

        static func sourceLine(_ origin: DatasetOrigin) -> String {
            switch origin {
            case .generated: "generated from the national spec's tables (Ops/spec/generate-datasets.py)"
            case .maintained: "kept by hand: the national spec's fields, with Shuniu's rules, references and deadlines on top"
            }
        }

        static let configuration = CommandConfiguration(abstract: "List the datasets, or one dataset's fields and rules.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "A dataset number, e.g. 501.") var dataset: String?

        func run() async throws {
            let directory = try hub.configuration().specDir
            let clock = ContinuousClock()
            let start = clock.now
            let spec = try SpecLoader.load(directory: directory)
            let loading = clock.now - start
            guard let dataset else {
                let datasets = spec.datasets.values.sorted { $0.dataset < $1.dataset }
                if output.json { return try Output.json(datasets.map { DatasetView($0, in: spec) }) }
                print("spec \(spec.version)\(spec.edition.map { ", following the national spec \($0)" } ?? "")")
                print(Output.table(["DATASET", "NAME", "LABEL", "SHARING", "FIELDS", "KEY", "SOURCE", "DEVIATIONS"],
                                   datasets.map { [$0.dataset.rawValue, $0.name, $0.label, $0.sharing.rawValue, String($0.fields.count), $0.key.joined(separator: "+"),
                                                   $0.origin.rawValue, String(spec.deviations[$0.dataset]?.count ?? 0)] }))
                print("\nSOURCE generated: written from the national spec's tables by Ops/spec/generate-datasets.py; maintained: kept by hand, with Shuniu's rules on top.")
                print("DEVIATIONS: where a file knowingly differs from the national spec's tables (Mappings/spec/deviations.yaml); `spec show DATASET` lists them.")
                print("\n" + Self.calendarLine(spec.calendar, today: SpecTime.day(Date())))
                print(Self.codeListsLine(spec))
                print(Self.regionsLine(spec.regions, loadedIn: loading))
                return
            }
            guard let found = spec.dataset(DatasetID(rawValue: dataset)) else {
                throw CLIFailure.notFound("no dataset \(dataset) in spec \(spec.version) (known: \(spec.datasets.keys.sorted().map(\.rawValue).joined(separator: ", ")))")
            }
            if output.json { return try Output.json(DatasetView(found, in: spec)) }
            print("\(found.dataset) \(found.name) \(found.label) — sharing: \(found.sharing.rawValue) (\(found.sharing.chineseName)), key: \(found.key.joined(separator: " + "))"
                  + (found.unique.isEmpty ? "" : ", duplicate check: \(found.unique.joined(separator: " + "))"))
            print("source: \(Self.sourceLine(found.origin)), spec \(spec.version)\(spec.edition.map { " (national spec \($0))" } ?? "")")
            print(Output.table(
                ["FIELD", "LABEL", "TYPE", "REQUIRED", "LENGTH", "CODE LIST", "PERSONAL", "公开范围"],
                found.fields.map { field in
                    let length = field.length.map { "=\($0)" } ?? field.maxLength.map { "≤\($0)" } ?? "-"
                    // A long list (currencies, industries) by its size: `spec show` of a list is not a table cell.
                    let codes = field.codeList.map { name in
                        spec.codeLists[name].map { $0.entries.count <= 6 ? "\(name): \($0.summary)" : "\(name) (\($0.entries.count) codes)" } ?? name
                    } ?? "-"
                    return [field.code, field.label, field.type.rawValue, field.required ? "yes" : "-", length, codes, field.personal ? "yes" : "-", field.disclosure == .public ? "社会" : "政务"]
                }
            ))
            if !found.rules.isEmpty {
                print("\nrules:")
                for rule in found.rules {
                    let names = ([rule.field, rule.startsWith, rule.typeField, rule.other, rule.unlessField, rule.whenField].compactMap { $0 }
                        + (rule.fields ?? []) + (rule.groupBy ?? [])).joined(separator: ", ")
                    let days = [rule.atLeastDays.map { "≥\($0) days" }, rule.atMostDays.map { "≤\($0) days" }].compactMap { $0 }.joined(separator: " ")
                    print("  \(rule.rule.rawValue): \(names)\(days.isEmpty ? "" : " \(days)")\(rule.description.map { " — \($0)" } ?? "")")
                }
            }
            if let listing = found.lists {
                print("\nlists: the subject in \(listing.subjectField) as \(listing.label)\(listing.inactiveWhen.map { ", unless \($0.field) is \($0.equals)" } ?? "") or withdrawn; participants who are listed are flagged (participant.listed)")
            }
            if !found.participants.isEmpty {
                print("\nparticipants checked against 失信被执行人 and 黑名单: \(found.participants.joined(separator: ", "))")
            }
            if let withdrawal = found.withdraws {
                let target = spec.dataset(withdrawal.dataset).map { "\($0.dataset) \($0.label)" } ?? withdrawal.dataset.rawValue
                print("\nwithdraws: \(target) by \(withdrawal.fields.joined(separator: " + ")) (kept, marked withdrawn; the withdrawal follows it to every destination that received it)")
            }
            if !found.references.isEmpty {
                print("\nreferences:")
                for reference in found.references {
                    let target = spec.dataset(reference.dataset).map { "\($0.dataset) \($0.label)" } ?? reference.dataset.rawValue
                    var line = "  \(reference.fields.joined(separator: " + ")) → \(target)"
                    if reference.isOptional { line += " (optional)" }
                    if let unless = reference.unlessField { line += ", unless \(unless) is given" }
                    if let comparison = reference.notBefore { line += "; \(comparison.field) not before their \(comparison.theirs)" }
                    print(line)
                }
            }
            let deviations = spec.deviations[found.dataset] ?? []
            if !deviations.isEmpty {
                print("\ndeviations from the national spec's tables (Mappings/spec/deviations.yaml):")
                for deviation in deviations {
                    print("  \(deviation.field) \(deviation.what): spec \(deviation.spec), ours \(deviation.ours) — \(deviation.reason)")
                }
            }
            if !found.deadlines.isEmpty {
                print("\ndeadlines (warnings):")
                for deadline in found.deadlines {
                    let origin = deadline.from.dataset.map { "\($0).\(deadline.from.field)" } ?? deadline.from.field
                    let bound = [deadline.atMostDays.map { "≤\($0)" }, deadline.atLeastDays.map { "≥\($0)" }].compactMap { $0 }.joined(separator: " ")
                    let unit = deadline.unit == .workingDays ? "working days" : "days"
                    print("  \(deadline.id): \(deadline.field) − \(origin) \(bound) \(unit) — \(deadline.label)\(deadline.source.map { " (\($0))" } ?? "")")
                }
            }
        }
    }
}

/// A dataset as `spec show --json` prints it.
struct DatasetView: Encodable {
    var dataset: String
    var name: String
    var label: String
    var sharing: String
    var key: [String]
    /// The duplicate check on insert (the spec's RepeatCols).
    var unique: [String]
    var fields: [FieldSpec]
    var rules: [RuleSpec]
    var references: [ReferenceSpec]
    var deadlines: [DeadlineSpec]
    var withdraws: WithdrawalSpec?
    var source: DatasetOrigin
    var deviations: [SpecDeviation]

    init(_ spec: DatasetSpec, in dataSpec: DataSpec) {
        dataset = spec.dataset.rawValue
        name = spec.name
        label = spec.label
        sharing = spec.sharing.rawValue
        key = spec.key
        unique = spec.unique
        fields = spec.fields
        rules = spec.rules
        references = spec.references
        deadlines = spec.deadlines
        withdraws = spec.withdraws
        source = spec.origin
        deviations = dataSpec.deviations[spec.dataset] ?? []
    }
}
