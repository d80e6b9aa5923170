/// How a destination's requests are made from the versions sent to it, and its answers read:
/// Shuniu's own JSON, or an upstream's language from a destination mapping file
/// (`Mappings/destinations/`). The delivery worker sends what this makes and records what it reads;
/// the transport, retries, the circuit breaker and the queue stay the worker's.
public protocol DeliveryFormat: Sendable {
    /// The requests that carry `batch` (one, or one per delivery when the upstream takes a
    /// record per call), and the deliveries that cannot be put in the format. `operations`
    /// overrides what a delivery is sent as (an insert the upstream already holds is sent again
    /// once as an update).
    func requests(for batch: [ClaimedDelivery], sendingAs operations: [Int64: RecordOperation]) -> DeliveryRendering

    /// What a 2xx answer says of each delivery `request` carried; a delivery it says nothing of was accepted.
    func answers(_ body: [UInt8], to request: DeliveryRequest) -> [Int64: DeliveryAnswer]
}

/// A batch in a destination's format.
public struct DeliveryRendering: Sendable {
    public var requests: [DeliveryRequest]
    /// Deliveries left out: they go dead with the reason.
    public var failures: [DeliveryFormatError]

    public init(requests: [DeliveryRequest], failures: [DeliveryFormatError] = []) {
        self.requests = requests
        self.failures = failures
    }
}

/// One request to send, with the deliveries it carries.
public struct DeliveryRequest: Sendable {
    public var deliveries: [ClaimedDelivery]
    public var body: [UInt8]
    /// `Content-Type`, and any other headers the format adds (`SOAPAction`…).
    public var headers: [(name: String, value: String)]
    /// True when the hub's signature headers go with it (when the destination has a key and secret).
    public var signed: Bool
    /// What each delivery was sent as, by delivery id.
    public var operations: [Int64: RecordOperation]
    /// Appended to the destination's URL (an upstream with an address per kind of record).
    public var path: String?

    public init(
        deliveries: [ClaimedDelivery], body: [UInt8], headers: [(name: String, value: String)], signed: Bool, operations: [Int64: RecordOperation],
        path: String? = nil
    ) {
        self.path = path
        self.deliveries = deliveries
        self.body = body
        self.headers = headers
        self.signed = signed
        self.operations = operations
    }
}

extension DeliveryRequest {
    /// Where the request goes: the destination's URL, with the format's path after it, one slash between.
    public func url(at base: String) -> String {
        guard let path else { return base }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + (path.hasPrefix("/") ? path : "/" + path)
    }
}

/// What an upstream said of one delivery in a 2xx answer.
public enum DeliveryAnswer: Sendable, Hashable {
    case accepted
    /// Already held as sent: as good as accepted.
    case duplicate
    /// Refused for good, with the upstream's message (kept for the dead letter).
    case rejected(String?)
    /// Refused for now: try again later.
    case retry(String?)
    /// An insert of a record the upstream already holds: sent again once as an update.
    case exists(String?)
    /// An update or delete of a record the upstream does not hold: sent again once as an insert
    /// (a delete of a record it does not hold is done).
    case absent(String?)
}

/// Why a version cannot be put in the destination's format (a value the format's file cannot
/// translate, a required value missing): the delivery goes dead with this message.
public struct DeliveryFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public var deliveryID: Int64
    public var message: String

    public init(deliveryID: Int64, message: String) {
        self.deliveryID = deliveryID
        self.message = message
    }

    public var description: String { message }
}
