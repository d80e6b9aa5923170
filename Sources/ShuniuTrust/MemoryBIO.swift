import COpenSSL

/// Memory BIOs for handing bytes to OpenSSL and reading text back.
enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `bytes`; nil when no BIO could be made.
    /// `BIO_new_mem_buf` does not copy, so the BIO lives only inside `withUnsafeBufferPointer`
    /// and is freed before the buffer can move.
    static func reading<Result>(_ bytes: [UInt8], _ body: (OpaquePointer) -> Result) -> Result? {
        guard bytes.count <= Int(Int32.max) else { return nil }
        // An empty array has no address; a one-byte buffer read with length 0 gives a clean EOF.
        let storage = bytes.isEmpty ? [0] : bytes
        return storage.withUnsafeBufferPointer { buffer -> Result? in
            guard let base = buffer.baseAddress, let bio = BIO_new_mem_buf(base, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// A writable BIO's contents after `body` wrote to it, as UTF-8 text; nil if `body` failed.
    static func text(_ body: (OpaquePointer) -> Bool) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard body(bio) else { return nil }
        return String(decoding: bytes(of: bio), as: UTF8.self)
    }

    /// The bytes written so far to a memory BIO (copied; the BIO keeps its own).
    static func bytes(of bio: OpaquePointer) -> [UInt8] {
        var data: UnsafePointer<UInt8>?
        let length = shuniu_bio_get_mem_data(bio, &data)
        guard let data, length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
