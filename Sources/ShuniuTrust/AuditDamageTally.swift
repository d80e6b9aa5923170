import ShuniuCore
/// Counts damage by kind while a verification runs, keeping the first few places of each.
package struct AuditDamageTally {
    package init() {}

    static let examplesKept = 5
    private var found: [AuditDamage.Kind: AuditDamage] = [:]
    private var order: [AuditDamage.Kind] = []
    /// Places already counted, for kinds that two checks can find at the same place.
    private var seen: Set<String> = []

    /// Counts one place; with `once`, a place counted before under the same kind is not counted again.
    package mutating func add(_ kind: AuditDamage.Kind, _ place: String, once: Bool = false) {
        if once, !seen.insert(kind.rawValue + " " + place).inserted { return }
        if found[kind] == nil {
            found[kind] = AuditDamage(kind: kind, count: 0, examples: [])
            order.append(kind)
        }
        found[kind]!.count += 1
        if found[kind]!.examples.count < AuditDamageTally.examplesKept { found[kind]!.examples.append(place) }
    }

    /// Every kind found, in the order first found.
    package var damage: [AuditDamage] { order.compactMap { found[$0] } }
}
