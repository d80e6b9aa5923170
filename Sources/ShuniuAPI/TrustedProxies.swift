/// The reverse proxies whose `X-Forwarded-For` the hub believes (`server.trustedProxies`):
/// addresses and CIDR ranges, IPv4 or IPv6. Empty (the default): the header is ignored and the
/// client is the TCP peer.
public struct TrustedProxies: Sendable, Equatable {
    /// One entry: an address with the number of leading bits that must match.
    struct Range: Sendable, Equatable {
        let network: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            var remaining = prefixLength
            for (have, want) in zip(address, network) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if have & mask != want & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    private var ranges: [Range] = []

    /// Trusts no proxy.
    public init() {}

    /// Trusts `entries` (`127.0.0.1`, `10.0.0.0/8`, `::1`); throws naming the first bad one.
    public init(_ entries: [String]) throws(Invalid) {
        for entry in entries {
            guard let range = TrustedProxies.range(entry) else { throw Invalid(entry: entry) }
            ranges.append(range)
        }
    }

    /// An entry that is neither an address nor a CIDR range.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let entry: String
        public var description: String { "'\(entry)' is not an IP address or CIDR range (10.0.0.0/8, ::1)" }
    }

    public var isEmpty: Bool { ranges.isEmpty }

    private static func range(_ entry: String) -> Range? {
        let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bytes = address.unmapped
        guard parts.count == 2 else { return Range(network: bytes, prefixLength: bytes.count * 8) }
        // A mapped IPv6 range counts its bits past the 96 of the mapping prefix.
        let mappedOffset = bytes.count < address.bytes.count ? 96 : 0
        guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(parts[1]),
              (mappedOffset...(address.bytes.count * 8)).contains(length) else { return nil }
        return Range(network: bytes, prefixLength: length - mappedOffset)
    }

    /// True when `address` is one of the trusted proxies.
    public func contains(_ address: IPAddress) -> Bool {
        let bytes = address.unmapped
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client of a request whose TCP peer is `peer` and whose `X-Forwarded-For` fields are
    /// `forwardedFor` (in order): the peer itself unless it is a trusted proxy; else the right-most
    /// listed address that is not a trusted proxy (each proxy appends the address it saw, so
    /// everything left of the first untrusted hop could be forged by the client). A list holding
    /// anything but addresses gives the peer: a broken proxy must not make up an address.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, let peerAddress = IPAddress(peer), contains(peerAddress), !forwardedFor.isEmpty else { return peer }
        var hops: [IPAddress] = []
        for field in forwardedFor {
            for item in field.split(separator: ",", omittingEmptySubsequences: false) {
                guard let hop = IPAddress(item) else { return peer }
                hops.append(hop)
            }
        }
        if let client = hops.last(where: { !contains($0) }) { return client.description }
        // Every hop is a proxy of ours: the farthest one is the client as far as anyone can tell.
        return hops.first?.description ?? peer
    }
}
