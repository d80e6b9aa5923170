import Foundation

/// Sends HTTP requests with libcurl. Each transfer runs on its own thread: never on Swift's
/// cooperative pool, and never on Dispatch's shared workers, which GRDB needs — a slow
/// upstream must not starve the store. (Issue 3 replaces this with one curl multi loop.)
public struct CurlHTTPClient: Sendable {
    public init() {}

    public func send(_ request: OutgoingRequest) async throws -> ReceivedResponse {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try CurlEasy().perform(request) })
            }
            thread.name = "shuniu-curl"
            thread.start()
        }
    }
}
