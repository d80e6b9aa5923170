/// The basicConstraints extension (RFC 5280 §4.2.1.9).
public struct BasicConstraints: Sendable, Hashable {
    /// True for a CA certificate.
    public var isCA: Bool
    /// The most intermediates that may follow this CA; nil when unlimited.
    public var pathLength: Int?

    /// Constraints with these values.
    public init(isCA: Bool, pathLength: Int?) {
        self.isCA = isCA
        self.pathLength = pathLength
    }
}
