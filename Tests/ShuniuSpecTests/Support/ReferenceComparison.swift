import ShuniuCore
import ShuniuSpec

/// Compares the loaded spec with the reference tables, dataset by dataset and field by field:
/// presence, type family, length, required flag, 公开范围 and (where a spec file names one) code list.
struct ReferenceComparison {
    let reference: ReferenceTables
    let spec: DataSpec
    let codeLists: [String: [String]]

    /// Every difference, sorted.
    func differences() -> [SpecDifference] {
        var found: [SpecDifference] = []
        for dataset in reference.datasets {
            guard let ours = spec.dataset(DatasetID(dataset.code)) else {
                found.append(SpecDifference(dataset: dataset.code, field: "-", what: "dataset", spec: dataset.name, ours: "absent"))
                continue
            }
            let theirs = reference.fields[dataset.code] ?? []
            for field in theirs where field.isSpecField && ours.field(field.code) == nil {
                found.append(SpecDifference(dataset: dataset.code, field: field.code, what: "missing", spec: field.specFormat, ours: "absent"))
            }
            for field in ours.fields {
                guard let row = theirs.first(where: { $0.code == field.code }) else {
                    found.append(SpecDifference(dataset: dataset.code, field: field.code, what: "extra", spec: "absent", ours: field.type.rawValue))
                    continue
                }
                found += compare(field, row)
            }
        }
        return found.sorted()
    }

    /// One field present on both sides. A receiver-only field may be present, but only optional.
    func compare(_ field: FieldSpec, _ row: ReferenceTables.Field) -> [SpecDifference] {
        var found: [SpecDifference] = []
        func differ(_ what: String, _ spec: String, _ ours: String) {
            if spec != ours { found.append(SpecDifference(dataset: row.dataset, field: row.code, what: what, spec: spec, ours: ours)) }
        }
        differ("required", String(row.isSpecField && row.specRequired == "是"), String(field.required))
        guard row.isSpecField else { return found }

        differ("disclosure", row.specDisclosure == "政务公开" ? FieldDisclosure.government.rawValue : FieldDisclosure.public.rawValue, field.disclosure.rawValue)
        let family = Self.family(ofFormat: row.specFormat)
        differ("type", family, Self.family(of: field.type))
        if family == Self.family(of: field.type), let expected = Self.length(ofFormat: row.specFormat), field.type != .decimal {
            differ("length", expected, length(of: field))
        }
        if let name = field.codeList {
            let names = codeLists[name] ?? []
            let stands = names.contains { $0 == row.domain || (!$0.isEmpty && row.specDomain.contains($0)) }
            if !stands { differ("codeList", row.domain.isEmpty ? "none" : row.domain, name) }
        }
        return found
    }

    /// character, number, date or datetime, from the spec's format.
    static func family(ofFormat format: String) -> String {
        switch format {
        case "yyyyMMddHHmmss": "datetime"
        case "yyyyMMdd": "date"
        case let text where text.hasPrefix("N"): "number"
        default: "character"
        }
    }

    static func family(of type: FieldType) -> String {
        switch type {
        case .datetime: "datetime"
        case .date: "date"
        case .decimal, .integer: "number"
        default: "character"
        }
    }

    /// `length n`, `maxLength n` or `unbounded`; nil for a decimal format (the loader bounds
    /// decimals itself) or a date.
    static func length(ofFormat format: String) -> String? {
        if format == "yyyyMMddHHmm" { return "length 12" }
        guard let first = format.first, first == "C" || first == "N", !format.contains(",") else { return nil }
        let rest = format.dropFirst()
        let bounded = rest.hasPrefix("..")
        let digits = rest.drop { $0 == "." }
        guard let size = Int(digits) else { return "unbounded" }
        return bounded ? "maxLength \(size)" : "length \(size)"
    }

    /// The length a spec file's field enforces: its own, or the one its type implies.
    func length(of field: FieldSpec) -> String {
        if let length = field.length { return "length \(length)" }
        if let maxLength = field.maxLength { return "maxLength \(maxLength)" }
        switch field.type {
        case .projectCode: return "length 17"
        case .tenderProjectCode: return "length 20"
        case .sectionCode: return "length 23"
        case .unifiedDealCode: return "length 40"
        case .platformCode: return "length 11"
        case .creditCode: return "length 18"
        case .regionCode: return "length 6"
        case .residentID: return "maxLength 18"
        case .organizationCode: return "maxLength 10"
        case .code:
            let sizes = Set(field.codeList.flatMap { spec.codeLists[$0] }?.entries.map(\.code.count) ?? [])
            guard let largest = sizes.max() else { return "unbounded" }
            return sizes.count == 1 ? "length \(largest)" : "maxLength \(largest)"
        default: return "unbounded"
        }
    }
}
