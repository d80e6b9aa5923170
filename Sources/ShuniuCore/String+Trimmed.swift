extension String {
    /// The text without leading and trailing white space (Unicode `White_Space`, which includes
    /// the full-width space U+3000), in native Swift: Foundation's trimming bridges to NSString
    /// and costs more than all the other checks of a field together.
    public var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}
