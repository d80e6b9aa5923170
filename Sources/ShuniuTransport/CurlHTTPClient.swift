import Dispatch

/// Sends HTTP requests with libcurl. Each transfer runs on a Dispatch worker thread, off
/// Swift's cooperative pool, so a slow upstream never blocks async tasks.
public struct CurlHTTPClient: Sendable {
    private static let queue = DispatchQueue(label: "shuniu.curl", attributes: .concurrent)

    public init() {}

    public func send(_ request: OutgoingRequest) async throws -> ReceivedResponse {
        try await withCheckedThrowingContinuation { continuation in
            CurlHTTPClient.queue.async {
                continuation.resume(with: Result { try CurlEasy().perform(request) })
            }
        }
    }
}
