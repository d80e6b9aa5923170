import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTrust

/// The provincial receiver's tables and the order in which it judges a call (DataManager):
/// token → TITLE → CONTEXT trailer → the dataset's fields → RepeatCols → save. Only the first
/// problem is answered; a refused call changes nothing.
struct ProvincialReceiverLedger {
    /// A stored row: who sent it (M_DATA_SOURCE) and its columns.
    struct Row: Sendable {
        var source: String
        var fields: [String: String]
    }

    /// What the call's TITLE said, as far as it was read, for the log.
    struct Heading: Sendable {
        var systemNo: String?
        var dataNo: String?
        var dataType: String?
        var dataKey: String?
    }

    /// A call's first problem, as the receiver words it.
    private struct Refusal: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// How far a token's time may be from the receiver's clock.
    static let tokenWindow: TimeInterval = 12 * 3600

    /// DATA_NO → DATA_KEY → row.
    private(set) var tables: [String: [String: Row]] = [:]
    /// DATA_NO → the values of the dataset's RepeatCols, joined → the DATA_KEYs holding them: the
    /// receiver's index, so that a check costs the same however many rows a table holds.
    private var repeats: [String: [String: Set<String>]] = [:]

    /// Judges one call and, when it passes, applies it; the answer's message when refused.
    mutating func take(
        _ call: ProvincialReceiverSOAP.Call, systems: [String: SimulatedProvincialReceiver.System], spec: DataSpec, now: Date
    ) -> (heading: Heading, refusal: String?) {
        var heading = Heading()
        do {
            try take(call, systems: systems, spec: spec, now: now, heading: &heading)
            return (heading, nil)
        } catch {
            return (heading, error.message)
        }
    }

    private mutating func take(
        _ call: ProvincialReceiverSOAP.Call, systems: [String: SimulatedProvincialReceiver.System], spec: DataSpec, now: Date,
        heading: inout Heading
    ) throws(Refusal) {
        let system = try authenticate(call.validation, systems: systems, now: now)
        heading.systemNo = system.systemNo
        guard let (_, root) = ProvincialReceiverXML.root(call.data) else { throw Refusal("data不是有效的XML") }
        guard let titleElement = Self.table("TITLE", in: root) else { throw Refusal("data缺少TITLE节点") }
        let title = ProvincialReceiverXML.values(of: titleElement)
        (heading.dataNo, heading.dataType, heading.dataKey) = (title["DATA_NO"], title["DATA_TYPE"], title["DATA_KEY"])

        // TITLE, in the receiver's validator order.
        guard let dataNo = title["DATA_NO"] else { throw Refusal("DATA_NO不能为空") }
        guard let dataset = spec.dataset(DatasetID(rawValue: dataNo)) else { throw Refusal("DATA_NO(\(dataNo))不存在") }
        guard let dataEN = title["DATA_EN"] else { throw Refusal("DATA_EN不能为空") }
        guard dataEN == dataset.name else { throw Refusal("DATA_EN(\(dataEN))与DATA_NO(\(dataNo))的表名\(dataset.name)不一致") }
        guard title["DATA_CN"] != nil else { throw Refusal("DATA_CN不能为空") }
        guard let dataType = title["DATA_TYPE"], let operation = RecordOperation(dataType: dataType) else {
            throw Refusal("DATA_TYPE(\(title["DATA_TYPE"] ?? ""))无效，只能为1(新增)、2(修改)或3(删除)")
        }
        guard let dataKey = title["DATA_KEY"] else { throw Refusal("DATA_KEY不能为空") }
        guard dataKey.utf16.count == 22 else { throw Refusal("DATA_KEY(\(dataKey))长度必须为22位") }
        // The key's owner before its form: another system's record is refused as not its own.
        let stored = tables[dataNo]?[dataKey]
        switch operation {
        case .insert:
            if stored != nil { throw Refusal("DATA_KEY \(dataKey) 已存在，不能重复新增") }
        case .update, .delete:
            let verb = operation == .update ? "修改" : "删除"
            guard let stored else { throw Refusal("DATA_KEY \(dataKey) 不存在，不能\(verb)") }
            guard stored.source == system.systemNo else { throw Refusal("DATA_KEY \(dataKey) 不是系统\(system.systemNo)报送的数据，不能\(verb)") }
        }
        guard dataKey.hasPrefix(system.systemNo) else { throw Refusal("DATA_KEY(\(dataKey))前4位必须为系统编号\(system.systemNo)") }
        guard dataKey.dropFirst(system.systemNo.count).hasPrefix(dataNo) else {
            throw Refusal("DATA_KEY(\(dataKey))第5位起必须为数据编号DATA_NO(\(dataNo))")
        }
        guard title["CA_KEY"] != nil else { throw Refusal("CA_KEY不能为空") }
        if operation == .insert, title["ROUTE_WAY"] == nil { throw Refusal("新增数据时ROUTE_WAY不能为空") }

        if operation == .delete {
            // CONTEXT optional and not validated: a hard delete by key.
            put(nil, dataNo: dataNo, dataKey: dataKey, repeatColumns: dataset.unique)
            return
        }
        guard let contextElement = Self.table("CONTEXT", in: root) else { throw Refusal("data缺少CONTEXT节点") }
        let values = ProvincialReceiverXML.values(of: contextElement)
        if let problem = ProvincialReceiverFieldRules.trailerProblem(dataNo: dataNo, values: values, systemNo: system.systemNo, platformCodes: system.platformCodes) {
            throw Refusal(problem)
        }
        if let problem = ProvincialReceiverFieldRules.fieldProblem(dataset: dataset, values: values) { throw Refusal(problem) }
        if operation == .insert {
            // RepeatCols: a stored row whose values of all the columns equal this one's (a column
            // this record leaves null matches nothing, as in SQL); the first key in order is named.
            if let joined = Self.repeatKey(values, dataset.unique), let repeated = repeats[dataNo]?[joined]?.min() {
                throw Refusal("数据重复：与DATA_KEY为\(repeated)的数据的\(dataset.unique.joined(separator: "、"))相同")
            }
            put(Row(source: system.systemNo, fields: values), dataNo: dataNo, dataKey: dataKey, repeatColumns: dataset.unique)
        } else if var row = stored {
            // An in-place UPDATE of the columns present; an empty one sets its column to null.
            row.fields.merge(values) { $1 }
            for name in ProvincialReceiverXML.emptyNames(of: contextElement) { row.fields[name] = nil }
            put(row, dataNo: dataNo, dataKey: dataKey, repeatColumns: dataset.unique)
        }
    }

    /// What the TITLE of `data` says, read without judging anything (for the log of a call
    /// refused on command).
    static func heading(of data: String) -> Heading {
        guard let (_, root) = ProvincialReceiverXML.root(data), let element = table("TITLE", in: root) else { return Heading() }
        let title = ProvincialReceiverXML.values(of: element)
        return Heading(dataNo: title["DATA_NO"], dataType: title["DATA_TYPE"], dataKey: title["DATA_KEY"])
    }

    /// The `validation` XML (`<DATA><TOKEN/><SYSTEM_NO/></DATA>`): a registered system whose token
    /// decrypts under its secret to a time within ±12 hours of the receiver's clock.
    /// Stores `row` under the key (nil removes it), keeping the RepeatCols index in step.
    private mutating func put(_ row: Row?, dataNo: String, dataKey: String, repeatColumns: [String]) {
        if let old = tables[dataNo]?[dataKey], let joined = Self.repeatKey(old.fields, repeatColumns) {
            repeats[dataNo]?[joined]?.remove(dataKey)
        }
        tables[dataNo, default: [:]][dataKey] = row
        if let row, let joined = Self.repeatKey(row.fields, repeatColumns) {
            repeats[dataNo, default: [:]][joined, default: []].insert(dataKey)
        }
    }

    /// The row's values of `columns`, joined; nil when there are none or one is null.
    private static func repeatKey(_ fields: [String: String], _ columns: [String]) -> String? {
        guard !columns.isEmpty else { return nil }
        var parts: [String] = []
        for column in columns {
            guard let value = fields[column] else { return nil }
            parts.append(value)
        }
        return parts.joined(separator: "\u{1F}")
    }

    private func authenticate(_ validation: String, systems: [String: SimulatedProvincialReceiver.System], now: Date) throws(Refusal) -> SimulatedProvincialReceiver.System {
        guard let (_, root) = ProvincialReceiverXML.root(validation) else { throw Refusal("validation不是有效的XML") }
        let values = ProvincialReceiverXML.values(of: root)
        guard let systemNo = values["SYSTEM_NO"] else { throw Refusal("SYSTEM_NO不能为空") }
        guard let system = systems[systemNo] else { throw Refusal("系统编号\(systemNo)不存在") }
        guard let token = values["TOKEN"] else { throw Refusal("TOKEN不能为空") }
        let contents: ProvincialReceiverToken.Contents
        do {
            contents = try ProvincialReceiverToken.read(token: token, secret: system.secret)
        } catch {
            throw Refusal("TOKEN验证失败：无法解密")
        }
        guard abs(contents.time.timeIntervalSince(now)) <= Self.tokenWindow else {
            throw Refusal("TOKEN已过期：时间\(SpecTime.text(contents.time))与服务器时间相差超过12小时")
        }
        return system
    }

    /// The one element `name` directly under the root; nil when absent or repeated (a table of
    /// more than one row gives the receiver no values).
    private static func table(_ name: String, in root: ProvincialReceiverXML.Element) -> ProvincialReceiverXML.Element? {
        guard let value = root.object[name] else { return nil }
        if case .array = value { return nil }
        return ProvincialReceiverXML.Element(value: value, namespaces: root.namespaces)
    }
}

private extension RecordOperation {
    /// DATA_TYPE: 1 insert, 2 update, 3 delete.
    init?(dataType: String) {
        switch dataType {
        case "1": self = .insert
        case "2": self = .update
        case "3": self = .delete
        default: return nil
        }
    }
}
