import COpenSSL

/// OpenSSL's per-thread error queue, drained into text for error messages.
enum OpenSSLErrorQueue {
    static func drain() -> String {
        drainIfAny() ?? "no OpenSSL error recorded"
    }

    /// The queued messages joined, or nil when the queue was empty.
    static func drainIfAny() -> String? {
        var messages: [String] = []
        while true {
            let code = shuniu_err_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            shuniu_err_error_string(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? nil : messages.joined(separator: "; ")
    }

    /// Forgets queued errors that were expected (a failed signature check, the end of a PEM bundle),
    /// so they do not surface later in an unrelated message.
    static func clear() {
        shuniu_err_clear()
    }
}
