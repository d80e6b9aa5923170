import CCurl
import Foundation
import Synchronization

/// Sends HTTP requests over libcurl's multi interface: one thread runs an event loop that keeps
/// many transfers in flight at once, instead of a thread per transfer. Requests are handed to
/// the loop through a locked queue and `curl_multi_wakeup`; each caller awaits its response.
public final class CurlMultiClient: Sendable {
    private let loop: CurlMultiLoop

    /// Starts the loop's thread; `shutdown()` stops it. Throws when libcurl cannot make a multi handle.
    public init() throws(TransportError) {
        loop = try CurlMultiLoop()
        let thread = Thread { [loop] in loop.run() }
        thread.name = "shuniu-curl-multi"
        thread.start()
    }

    public func send(_ request: OutgoingRequest) async throws -> ReceivedResponse {
        try await withCheckedThrowingContinuation { continuation in
            loop.submit(request, continuation)
        }
    }

    /// Fails transfers still in flight and ends the loop's thread.
    public func shutdown() {
        loop.stop()
    }

    deinit {
        loop.stop()
    }
}

/// The multi handle and its transfers. Everything but `submit` and `stop` runs on the loop's
/// own thread; those two touch only the locked inbox and `curl_multi_wakeup`, which libcurl
/// documents as safe to call from another thread.
final class CurlMultiLoop: @unchecked Sendable {
    typealias Continuation = CheckedContinuation<ReceivedResponse, any Error>

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex<(requests: [(OutgoingRequest, Continuation)], stopped: Bool)>(([], false))
    /// Transfers in flight, by their easy handle; owned by the loop thread.
    private var active: [UnsafeMutableRawPointer: (easy: CurlEasy, continuation: Continuation)] = [:]

    init() throws(TransportError) {
        _ = CurlEasy.globalInit  // curl_global_init runs once before the multi handle exists
        guard let multi = curl_multi_init() else {
            throw TransportError(curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed: libcurl could not make a multi handle")
        }
        self.multi = multi
    }

    func submit(_ request: OutgoingRequest, _ continuation: Continuation) {
        let accepted = inbox.withLock { state in
            if state.stopped { return false }
            state.requests.append((request, continuation))
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
        } else {
            continuation.resume(throwing: TransportError(curlCode: -1, message: "the HTTP client has shut down"))
        }
    }

    func stop() {
        inbox.withLock { $0.stopped = true }
        curl_multi_wakeup(multi)
    }

    func run() {
        var running: Int32 = 0
        while true {
            let (requests, stopped) = inbox.withLock { state in
                defer { state.requests = [] }
                return (state.requests, state.stopped)
            }
            if stopped { break }
            for (request, continuation) in requests {
                let easy: CurlEasy
                do {
                    easy = try CurlEasy()
                } catch {
                    continuation.resume(throwing: error)
                    continue
                }
                easy.configure(request)
                active[easy.handle] = (easy, continuation)
                curl_multi_add_handle(multi, easy.handle)
            }
            curl_multi_perform(multi, &running)
            collectFinished()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for (handle, transfer) in active {
            curl_multi_remove_handle(multi, handle)
            transfer.continuation.resume(throwing: TransportError(curlCode: -1, message: "the HTTP client shut down during the transfer"))
        }
        active = [:]
        for (_, continuation) in inbox.withLock({ state in defer { state.requests = [] }; return state.requests }) {
            continuation.resume(throwing: TransportError(curlCode: -1, message: "the HTTP client has shut down"))
        }
        curl_multi_cleanup(multi)
    }

    /// Answers every transfer curl reports done.
    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                  let transfer = active.removeValue(forKey: handle) else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, handle)
            transfer.continuation.resume(with: Result { try transfer.easy.response(for: code) })
        }
    }
}
