import ShuniuCore
import Synchronization

/// A destination's format that SIGHUP may replace (its file read again): a batch already being
/// rendered keeps the format it started with; the next batch takes the new one.
final class ReloadableDeliveryFormat: DeliveryFormat {
    private let current: Mutex<any DeliveryFormat>

    init(_ format: any DeliveryFormat) {
        current = Mutex(format)
    }

    var format: any DeliveryFormat { current.withLock { $0 } }

    func replace(with format: any DeliveryFormat) {
        current.withLock { $0 = format }
    }

    func requests(for batch: [ClaimedDelivery], sendingAs operations: [Int64: RecordOperation]) -> DeliveryRendering {
        format.requests(for: batch, sendingAs: operations)
    }

    func answers(_ body: [UInt8], to request: DeliveryRequest) -> [Int64: DeliveryAnswer] {
        format.answers(body, to: request)
    }
}
