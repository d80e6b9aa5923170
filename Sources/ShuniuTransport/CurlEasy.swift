import CCurl
import Foundation

/// Owns one libcurl easy handle and the buffers it writes into; freed in `deinit`.
/// Used by one transfer on one thread at a time.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    fileprivate var responseBody: [UInt8] = []
    fileprivate var responseHeaders: [String: String] = [:]
    fileprivate var maxResponseBytes = OutgoingRequest.defaultMaxResponseBytes
    /// Set when the write callback stopped the transfer for a body past `maxResponseBytes`.
    fileprivate var responseTooLarge = false

    /// `curl_global_init` must run once before any handle is made.
    static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Throws when libcurl cannot make a handle (out of memory, or its global init failed).
    init() throws(TransportError) {
        _ = CurlEasy.globalInit
        guard let handle = curl_easy_init() else {
            throw TransportError(curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed: libcurl could not make a transfer handle")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
    }

    /// Performs `request` synchronously: call it off the cooperative thread pool.
    func perform(_ request: OutgoingRequest) throws -> ReceivedResponse {
        configure(request)
        return try response(for: curl_easy_perform(handle))
    }

    /// Sets every option for `request`; the transfer runs later (easy or multi interface).
    func configure(_ request: OutgoingRequest) {
        shuniu_curl_setopt_string(handle, CURLOPT_URL, request.url)
        shuniu_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        shuniu_curl_setopt_long(handle, CURLOPT_TIMEOUT, request.timeoutSeconds)
        shuniu_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, min(10, request.timeoutSeconds))
        shuniu_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        // A declared length past the limit is refused before the body comes; an undeclared one
        // (chunked) is stopped by the write callback as it passes the limit.
        maxResponseBytes = request.maxResponseBytes
        shuniu_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes))
        if let certificate = request.clientCertificate, let key = request.clientKey {
            shuniu_curl_setopt_string(handle, CURLOPT_SSLCERT, certificate)
            shuniu_curl_setopt_string(handle, CURLOPT_SSLKEY, key)
        }
        if let trustedCAs = request.trustedCAs {
            shuniu_curl_setopt_string(handle, CURLOPT_CAINFO, trustedCAs)
        }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // Without this curl waits for a 100-continue answer on larger bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        shuniu_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            shuniu_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            // COPYPOSTFIELDS copies, so the Swift array need not outlive this call.
            if request.body.isEmpty {
                shuniu_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBufferPointer { buffer in
                    _ = shuniu_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress!))
                }
            }
        }
        errorBuffer.withUnsafeMutableBufferPointer { buffer in
            _ = shuniu_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
        }
        // The callbacks get `self` back through an unretained pointer: the caller keeps `self`
        // alive until the transfer is over (perform's frame, or the multi loop's table).
        let context = Unmanaged.passUnretained(self).toOpaque()
        shuniu_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
        shuniu_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        shuniu_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        shuniu_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
    }

    /// The response of a finished transfer whose result code is `code`.
    func response(for code: CURLcode) throws -> ReceivedResponse {
        guard code == CURLE_OK else {
            if responseTooLarge || code == CURLE_FILESIZE_EXCEEDED {
                throw TransportError(curlCode: TransportError.responseTooLarge,
                                     message: "the response is larger than \(maxResponseBytes) bytes; the transfer was stopped")
            }
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw TransportError(curlCode: Int(code.rawValue), message: message)
        }
        var status = 0
        shuniu_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return ReceivedResponse(status: status, headers: responseHeaders, body: responseBody)
    }
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard easy.responseBody.count + length <= easy.maxResponseBytes else {
        easy.responseTooLarge = true
        return 0  // anything but `length` makes libcurl stop the transfer
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        easy.responseBody.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        easy.responseHeaders = [:]  // a new response (after a redirect or 100 Continue)
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        easy.responseHeaders[name] = value
    }
    return length
}
