import ShuniuCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GB 18030 bytes to UTF-8 and back, through the C library's iconv (glibc ships the converter in libc6).
/// GB 18030 contains GBK and GB 2312, so payloads declared in any of the three read the same.
/// The unsafe pointers iconv wants stay inside this file.
enum GB18030Transcoder {
    /// Why the input could not be read, and the UTF-8 of everything before the first bad byte,
    /// so that the caller can say which line and column.
    struct Failure: Error, Sendable, Hashable {
        var reason: String
        var decodedPrefix: [UInt8]
    }

    static func utf8(from bytes: [UInt8]) throws(Failure) -> [UInt8] {
        do {
            // A GB 18030 character of n bytes makes at most 3 bytes of UTF-8 for n = 2, 4 for n = 4.
            return try convert(bytes, from: "GB18030", to: "UTF-8", room: bytes.count * 2 + 4)
        } catch {
            // EINVAL: the input ends inside a character; EILSEQ: a byte that starts none.
            let reason = error.code == ENOSYS ? missingConverter : error.code == EINVAL || error.consumed >= bytes.count
                ? "the payload ends inside a GB 18030 character"
                : "byte 0x\(Hex.encode([bytes[error.consumed]]).uppercased()) is not GB 18030"
            throw Failure(reason: reason, decodedPrefix: error.produced)
        }
    }

    /// UTF-8 text as GB 18030 bytes, for an upstream that takes them. Every Unicode character has
    /// a GB 18030 form, so only text that is not UTF-8 fails.
    static func gb18030(fromUTF8 bytes: [UInt8]) throws(Failure) -> [UInt8] {
        do {
            // A UTF-8 character of n bytes makes 2 or 4 bytes of GB 18030: at most twice as many.
            return try convert(bytes, from: "UTF-8", to: "GB18030", room: bytes.count * 2 + 4)
        } catch {
            throw Failure(reason: error.code == ENOSYS ? missingConverter : "the text is not UTF-8 at byte \(error.consumed)", decodedPrefix: [])
        }
    }

    private static let missingConverter = "this system's C library has no GB 18030 converter (glibc's gconv modules)"

    private struct ConversionStop: Error {
        var code: Int32
        var consumed: Int
        var produced: [UInt8]
    }

    /// Converts `bytes` with iconv; on a stop, how far it got and why (errno).
    private static func convert(_ bytes: [UInt8], from source: String, to target: String, room: Int) throws(ConversionStop) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        let converter = iconv_open(target, source)
        // iconv_open answers (iconv_t)-1 when the converter is missing.
        guard let converter, Int(bitPattern: converter) != -1 else {
            throw ConversionStop(code: ENOSYS, consumed: 0, produced: [])
        }
        defer { iconv_close(converter) }

        var input = bytes
        var output = [UInt8](repeating: 0, count: room)
        let (consumed, produced, failure) = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                inBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: inBuffer.count) { inStart in
                    outBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: outBuffer.count) { outStart in
                        var inPointer: UnsafeMutablePointer<CChar>? = inStart
                        var outPointer: UnsafeMutablePointer<CChar>? = outStart
                        var inLeft = inBuffer.count
                        var outLeft = outBuffer.count
                        let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                        let failure: Int32? = result == -1 || inLeft > 0 ? errno : nil
                        return (inBuffer.count - inLeft, outBuffer.count - outLeft, failure)
                    }
                }
            }
        }
        output.removeSubrange(produced...)
        if let failure { throw ConversionStop(code: failure, consumed: consumed, produced: output) }
        return output
    }
}
