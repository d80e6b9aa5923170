/// Which version ids were accepted by some audit entry: one bit per id.
package struct VersionBitmap {
    package init() {}

    private var words: [UInt64] = []

    package mutating func insert(_ id: Int64) {
        guard id >= 0 else { return }
        let word = Int(id / 64)
        if word >= words.count { words += [UInt64](repeating: 0, count: max(word + 1 - words.count, words.count)) }
        words[word] |= 1 << UInt64(id % 64)
    }

    package func contains(_ id: Int64) -> Bool {
        guard id >= 0, Int(id / 64) < words.count else { return false }
        return words[Int(id / 64)] & (1 << UInt64(id % 64)) != 0
    }
}
