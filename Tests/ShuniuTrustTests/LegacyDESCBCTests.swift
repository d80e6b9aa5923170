import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTesting
import Testing
@testable import ShuniuTrust

@Suite("DES-CBC through OpenSSL's legacy provider, and the provincial receiver's token")
struct LegacyDESCBCTests {
    static let key = Array("12345678".utf8)

    @Test("Fixed vectors, as the openssl command computes them")
    func fixedVectors() throws {
        // printf 'Hello, 枢纽 DES!' | openssl enc -des-cbc -provider legacy -provider default \
        //     -K 3132333435363738 -iv 3132333435363738 | xxd -p
        let text = Array("Hello, 枢纽 DES!".utf8)
        let expected = "c365b81da6ecc786f3b0f87c08d0df3920d1ed5cbda5a271"
        #expect(Hex.encode(try LegacyDESCBC.encrypt(text, key: Self.key, iv: Self.key)) == expected)
        #expect(try LegacyDESCBC.decrypt(Hex.decode(expected)!, key: Self.key, iv: Self.key) == text)
        // printf '' | openssl enc … (same key and IV): an empty text is one block of padding.
        #expect(Hex.encode(try LegacyDESCBC.encrypt([], key: Self.key, iv: Self.key)) == "4431cc0267954866")
        // printf '12345678' | openssl enc -des-cbc … -K 0123456789abcdef -iv fedcba9876543210:
        // a whole block gains a whole block of padding.
        let ciphertext = try LegacyDESCBC.encrypt(Array("12345678".utf8), key: Hex.decode("0123456789abcdef")!, iv: Hex.decode("fedcba9876543210")!)
        #expect(Hex.encode(ciphertext) == "494e56b4bf8339c636e9a59fca8c5729")
    }

    @Test("Agrees with the openssl command both ways, for every length around the block size")
    func agreesWithOpenSSLCommand() async throws {
        let folder = try TemporaryDirectory(prefix: "shuniu-des")
        defer { folder.remove() }
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 100] {
            let key = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let iv = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let plaintext = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let input = folder.file("plain-\(length)")
            let output = folder.file("cipher-\(length)")
            try Data(plaintext).write(to: URL(fileURLWithPath: input))
            let (status, said) = try await ChildProcess.run("/usr/bin/env", [
                "openssl", "enc", "-des-cbc", "-provider", "legacy", "-provider", "default",
                "-K", Hex.encode(key), "-iv", Hex.encode(iv), "-in", input, "-out", output,
            ])
            #expect(status == 0, "openssl enc: \(said)")
            let theirs = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
            #expect(try LegacyDESCBC.encrypt(plaintext, key: key, iv: iv) == theirs, "length \(length)")
            #expect(try LegacyDESCBC.decrypt(theirs, key: key, iv: iv) == plaintext, "length \(length)")
        }
    }

    @Test("A round trip gives the text back; another IV changes the ciphertext")
    func roundTrip() throws {
        let text = Array("9120201903051200007F1A2B".utf8)
        let iv = Array("87654321".utf8)
        let ciphertext = try LegacyDESCBC.encrypt(text, key: Self.key, iv: iv)
        #expect(ciphertext.count == 32)
        #expect(try LegacyDESCBC.decrypt(ciphertext, key: Self.key, iv: iv) == text)
        #expect(try LegacyDESCBC.encrypt(text, key: Self.key, iv: Self.key) != ciphertext)
    }

    @Test("A key or IV that is not 8 bytes is refused, naming which")
    func wrongLengths() {
        #expect {
            try LegacyDESCBC.encrypt([1], key: Array("1234567".utf8), iv: Self.key)
        } throws: { error in
            (error as? TrustError)?.code == .badCipherParameter && "\(error)".contains("key") && "\(error)".contains("7")
        }
        #expect {
            try LegacyDESCBC.decrypt(Array(repeating: 0, count: 8), key: Self.key, iv: Array("123456789".utf8))
        } throws: { error in
            (error as? TrustError)?.code == .badCipherParameter && "\(error)".contains("IV")
        }
    }

    @Test("Decrypting garbage fails cleanly: not whole blocks, empty, or bad padding under the wrong key")
    func garbageFails() throws {
        for garbage in [[UInt8](repeating: 0x41, count: 7), [], Array("0123456789abcdefX".utf8)] {
            #expect {
                try LegacyDESCBC.decrypt(garbage, key: Self.key, iv: Self.key)
            } throws: { error in
                (error as? TrustError)?.code == .decryptionFailed && "\(error)".contains("whole")
            }
        }
        // The first fixed vector under another key: its last block's padding does not hold.
        #expect {
            try LegacyDESCBC.decrypt(Hex.decode("c365b81da6ecc786f3b0f87c08d0df3920d1ed5cbda5a271")!, key: Array("87654321".utf8), iv: Self.key)
        } throws: { error in
            (error as? TrustError)?.code == .decryptionFailed && "\(error)".contains("padding")
        }
        // The failure left nothing on OpenSSL's queue for an unrelated later message.
        #expect(OpenSSLErrorQueue.drainIfAny() == nil)
    }

    @Test("DES stays out of the process's default library context")
    func defaultContextStillRefusesDES() throws {
        _ = try LegacyDESCBC.encrypt([1, 2, 3], key: Self.key, iv: Self.key)
        #expect(LegacyLibraryContext.defaultContextOffersDES == false)
    }

    // MARK: The token

    @Test("A token holds SYSTEM_NO, the China time and MD5(SYSTEM_NO), as the openssl command decrypts it")
    func tokenPlaintext() async throws {
        let time = try #require(SpecTime.parseDateTime("20190305120000"))
        let token = try ProvincialReceiverToken.make(systemNo: "9120", secret: "k3Y!pq7Z", at: time)
        // printf 9120 | md5sum → eebe038e47780c96e2762b5e2003cef7
        let expected = "9120" + "20190305120000" + "EEBE038E47780C96E2762B5E2003CEF7"
        let folder = try TemporaryDirectory(prefix: "shuniu-token")
        defer { folder.remove() }
        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: folder.file("token")))
        let (status, plaintext) = try await ChildProcess.run("/usr/bin/env", [
            "openssl", "enc", "-d", "-a", "-A", "-des-cbc", "-provider", "legacy", "-provider", "default",
            "-K", "6b3359217071375a", "-iv", "6b3359217071375a", "-in", folder.file("token"),
        ])
        #expect(status == 0)
        #expect(plaintext == expected)
        // China time: 12:00 in Beijing is 04:00 UTC.
        #expect(time == Date(timeIntervalSince1970: 1_551_758_400))
    }

    @Test("A token reads back its system and time under its secret")
    func tokenRoundTrip() throws {
        let now = Date(timeIntervalSince1970: 1_765_000_000)
        let token = try ProvincialReceiverToken.make(systemNo: "9120", secret: "k3Y!pq7Z", at: now)
        let contents = try ProvincialReceiverToken.read(token: token, secret: "k3Y!pq7Z")
        #expect(contents == .init(systemNo: "9120", time: now))
    }

    @Test("A token under another secret, not Base64, or with a bad secret or system number is refused")
    func tokenRefusals() throws {
        let token = try ProvincialReceiverToken.make(systemNo: "9120", secret: "k3Y!pq7Z", at: Date())
        #expect { try ProvincialReceiverToken.read(token: token, secret: "other123") } throws: { error in
            (error as? TrustError)?.code == .malformedToken
        }
        #expect { try ProvincialReceiverToken.read(token: "not base64!", secret: "k3Y!pq7Z") } throws: { error in
            (error as? TrustError)?.code == .malformedToken && "\(error)".contains("Base64")
        }
        // A DES ciphertext of text that holds no time.
        let noTime = Data(try LegacyDESCBC.encrypt(Array("9120hello".utf8), key: Array("k3Y!pq7Z".utf8), iv: Array("k3Y!pq7Z".utf8))).base64EncodedString()
        #expect { try ProvincialReceiverToken.read(token: noTime, secret: "k3Y!pq7Z") } throws: { error in
            (error as? TrustError)?.code == .malformedToken && "\(error)".contains("yyyyMMddHHmmss")
        }
        #expect { try ProvincialReceiverToken.make(systemNo: "9120", secret: "short", at: Date()) } throws: { error in
            (error as? TrustError)?.code == .badCipherParameter && "\(error)".contains("secret")
        }
        #expect { try ProvincialReceiverToken.make(systemNo: "91201", secret: "k3Y!pq7Z", at: Date()) } throws: { error in
            (error as? TrustError)?.code == .badCipherParameter && "\(error)".contains("SYSTEM_NO")
        }
    }
}
