import HTTPTypes
import Hummingbird
import ShuniuCore

/// The answer when the store cannot take a request's write: 503 with the fault's code and
/// `Retry-After`, so that platforms and consumers wait and retry instead of treating it as
/// their own mistake. The cause is logged when the store's state changes (``StoreHealth``), not here.
enum StoreFaultResponse {
    /// Seconds a caller is told to wait: long enough for an operator to free space.
    static let retryAfterSeconds = 60

    /// The response for a storage fault; nil for any other error.
    static func response(for error: any Error) -> Response? {
        guard let error = error as? StoreError, error.code == .full || error.code == .unavailable else { return nil }
        let message = error.code == .full
            ? "the hub's store is full; nothing was stored; retry later (the hub's operators are told)"
            : "the hub's store cannot be written now; nothing was stored; retry later (the hub's operators are told)"
        var response = jsonText(ErrorBody(code: error.code.rawValue, message: message), status: .serviceUnavailable)
        response.headers[.retryAfter] = String(retryAfterSeconds)
        return response
    }
}
