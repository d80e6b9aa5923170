/// When a GB/T 2260 code was published: its name and the first and last revision of the
/// Ministry of Civil Affairs' table (yyyyMM) that list it.
public struct RegionValidity: Sendable, Hashable {
    public var name: String
    /// The first revision that lists the code, as yyyyMM (198012 is the earliest).
    public var first: Int
    /// The last revision that lists the code, as yyyyMM.
    public var last: Int

    public init(name: String, first: Int, last: Int) {
        self.name = name
        self.first = first
        self.last = last
    }

    /// Whether `month` (yyyyMM) falls between the first and the last revision, both included.
    public func covers(month: Int) -> Bool {
        (first...last).contains(month)
    }

    /// A revision month as `yyyy-MM`.
    public static func monthText(_ month: Int) -> String {
        let text = String(month)
        guard text.count == 6 else { return text }
        return "\(text.prefix(4))-\(text.suffix(2))"
    }

    /// A yyyyMM text that is a real month, as a number.
    static func month(_ text: Substring) -> Int? {
        guard text.utf8.count == 6, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let month = Int(text),
              (1...12).contains(month % 100) else { return nil }
        return month
    }
}
