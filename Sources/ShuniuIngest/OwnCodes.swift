import ShuniuCore
import ShuniuSpec

/// A platform creates records under codes of its own: a 项目编号, 招标项目编号 or 标段(包)编号 in a
/// record's business key begins with the 交易平台标识码 of the platform that made it. Without this
/// check a platform could file a record under another platform's code first and, owning the key
/// (一数一源), lock the rightful platform out of its own project. A platform the operators
/// registered as another's successor (a merger) may use its predecessor's codes.
enum OwnCodes {
    static func problem(in checked: RecordValidator.Checked, spec: DatasetSpec, platform: Platform, path: String) -> Problem? {
        for code in spec.key {
            guard let field = spec.field(code), let value = checked.fields[code] else { continue }
            switch field.type {
            case .projectCode, .tenderProjectCode, .sectionCode: break
            default: continue
            }
            guard let prefix = PlatformID(rawValue: String(value.prefix(11))), !platform.speaks(for: prefix) else { continue }
            return Problem(
                code: .codeOfOtherPlatform, path: "\(path).\(code)", label: field.label,
                message: "\(field.label) (\(code)) \(value) begins with the 交易平台标识码 of platform \(prefix); platform \(platform.id) creates codes that begin with its own (\(platform.id))"
                    + (platform.predecessors.isEmpty ? "" : " or a predecessor's (\(platform.predecessors.map(\.rawValue).joined(separator: ", ")))")
                    + "; after a merger the hub's operators register the successor (shuniu platforms add-predecessor)"
            )
        }
        return nil
    }
}
