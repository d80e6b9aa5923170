import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import ShuniuTrust
import Testing

/// The hub serving HTTPS itself (`server.tls`): RSA and ECDSA certificates, client certificates,
/// and the certificate read again on SIGHUP. Certificates are made by `openssl` for each test;
/// the client is the project's libcurl one, and `openssl s_client` shows which certificate is served.
@Suite("HTTPS served by the hub")
struct ServerTLSTests {
    /// A fresh PKI in `folder`: two server CAs, RSA and ECDSA server certificates for 127.0.0.1
    /// (`server-rsa`, `server-ec`, from `ca`; `server-next`, from `ca-next`), and client certificates
    /// from `client-ca` (`client`) and from an unrelated CA (`stranger`).
    static func makePKI(in folder: TemporaryDirectory) async throws {
        let script = """
            set -e
            ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout $1.key -out $1.pem -days 2 -subj "/CN=$2" 2>/dev/null; }
            issue() { # name, CA, subject, key type options
                openssl req -newkey $4 -nodes -keyout $1.key -out $1.csr -subj "/CN=$3" 2>/dev/null
                openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -out $1.pem -days 2 -extfile san.ext 2>/dev/null
            }
            printf "subjectAltName=IP:127.0.0.1" > san.ext
            ca ca "Test Server CA"; ca ca-next "Test Server CA 2"; ca client-ca "Test Platform CA"; ca stranger-ca "Unrelated CA"
            issue server-rsa ca "hub rsa" rsa:2048
            issue server-ec ca "hub ecdsa" "ec -pkeyopt ec_paramgen_curve:P-256"
            issue server-next ca-next "hub renewed" rsa:2048
            issue client client-ca "platform E4201000001" "ec -pkeyopt ec_paramgen_curve:P-256"
            issue stranger stranger-ca "someone else" "ec -pkeyopt ec_paramgen_curve:P-256"
            """
        let (status, output) = try await ChildProcess.run("/bin/sh", ["-c", script], directory: folder.path)
        guard status == 0 else { throw TestHubError(message: "making the test PKI failed: \(output)") }
    }

    /// GET `path` over HTTPS trusting `ca`, optionally with a client certificate.
    static func get(_ port: Int, _ path: String = "/healthz", ca: String, client: (certificate: String, key: String)? = nil) async throws -> ReceivedResponse {
        try await CurlHTTPClient().send(OutgoingRequest(
            method: "GET", url: "https://127.0.0.1:\(port)\(path)", timeoutSeconds: 10,
            clientCertificate: client?.certificate, clientKey: client?.key, trustedCAs: ca
        ))
    }

    /// The SHA-256 fingerprint of the certificate served on `port`, as `openssl x509` prints it.
    static func servedFingerprint(_ port: Int) async throws -> String {
        let (_, output) = try await ChildProcess.run("/bin/sh", ["-c", """
            openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256
            """], timeout: 20)
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The fingerprint of a PEM certificate file.
    static func fingerprint(_ file: String) async throws -> String {
        let (_, output) = try await ChildProcess.run("/usr/bin/env", ["openssl", "x509", "-in", file, "-noout", "-fingerprint", "-sha256"])
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("HTTPS is answered with an RSA and with an ECDSA certificate; plain HTTP on that port is not", arguments: ["server-rsa", "server-ec"])
    func servesHTTPS(certificate: String) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await Self.makePKI(in: folder)
        try await RunningHub.withRunning(dataDir: folder.file("hub"), adjust: { configuration in
            configuration.tls = ServerTLSSettings(certificate: folder.file("\(certificate).pem"), key: folder.file("\(certificate).key"))
        }) { hub in
            let answer = try await Self.get(hub.port, ca: folder.file("ca.pem"))
            #expect(answer.status == 200 && answer.bodyText.contains("ok"), "\(answer.bodyText)")
            #expect(try await Self.servedFingerprint(hub.port) == Self.fingerprint(folder.file("\(certificate).pem")))
            // A client that does not trust the hub's CA stops at the handshake.
            await #expect(throws: TransportError.self) { try await Self.get(hub.port, ca: folder.file("ca-next.pem")) }
            let plain = try? await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: "http://127.0.0.1:\(hub.port)/healthz", timeoutSeconds: 10))
            #expect(plain?.status != 200)
            // /metrics says when the served certificate expires, for the expiry alert.
            let served = try X509Certificate.bundle(Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("\(certificate).pem")))))[0]
            let metrics = try await Self.get(hub.port, "/metrics", ca: folder.file("ca.pem")).bodyText
            let expiry = "shuniu_tls_certificate_expiry_timestamp_seconds \(Int64(served.notAfter.timeIntervalSince1970))"
            #expect(metrics.split(separator: "\n").contains { $0 == expiry }, "\(expiry) not in: \(metrics.suffix(600))")
        }
    }

    /// A hub serving `server` (`rsa` or `ec`) that asks clients for certificates from the client CA,
    /// and three ways to call it: with no certificate, with the client CA's, with a stranger's.
    private func withClientCertificates(
        _ mode: ServerTLSSettings.ClientCertificates, server: String,
        _ body: (_ anonymous: () async throws -> ReceivedResponse, _ identified: () async throws -> ReceivedResponse, _ stranger: () async throws -> ReceivedResponse) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await Self.makePKI(in: folder)
        try await RunningHub.withRunning(dataDir: folder.file("hub"), adjust: { configuration in
            configuration.tls = ServerTLSSettings(
                certificate: folder.file("server-\(server).pem"), key: folder.file("server-\(server).key"),
                clientCA: folder.file("client-ca.pem"), clientCertificates: mode
            )
        }) { hub in
            let ca = folder.file("ca.pem")
            try await body(
                { try await Self.get(hub.port, ca: ca) },
                { try await Self.get(hub.port, ca: ca, client: (folder.file("client.pem"), folder.file("client.key"))) },
                { try await Self.get(hub.port, ca: ca, client: (folder.file("stranger.pem"), folder.file("stranger.key"))) }
            )
        }
    }

    @Test("Required client certificates: refused without one or with one from another CA, served with one from clientCA")
    func requiredClientCertificates() async throws {
        try await withClientCertificates(.required, server: "ec") { anonymous, identified, stranger in
            await #expect(throws: TransportError.self) { try await anonymous() }
            await #expect(throws: TransportError.self) { try await stranger() }
            let answer = try await identified()
            #expect(answer.status == 200, "\(answer.bodyText)")
        }
    }

    @Test("Optional client certificates: served without one, refused with one from another CA")
    func optionalClientCertificates() async throws {
        try await withClientCertificates(.optional, server: "rsa") { anonymous, identified, stranger in
            let answer = try await anonymous()
            #expect(answer.status == 200, "\(answer.bodyText)")
            let identifiedAnswer = try await identified()
            #expect(identifiedAnswer.status == 200, "\(identifiedAnswer.bodyText)")
            await #expect(throws: TransportError.self) { try await stranger() }
        }
    }

    @Test("A certificate and key that cannot be served are refused at start with the key, file and line that name them")
    func badPairRefused() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await Self.makePKI(in: folder)
        func problems(_ tls: String) -> String {
            let text = "server:\n  port: 0\n  tls:\n" + tls
            do {
                _ = try HubConfiguration.parse(text, file: "shuniu.yaml", forServing: true)
                return ""
            } catch {
                return "\(error)"
            }
        }
        let mismatched = problems("    certificate: \(folder.file("server-rsa.pem"))\n    key: \(folder.file("server-next.key"))\n")
        #expect(mismatched.contains("shuniu.yaml:5:") && mismatched.contains("'server.tls.key'") && mismatched.contains("server-next.key")
            && mismatched.contains("does not belong to the certificate"), "\(mismatched)")
        let missing = problems("    certificate: \(folder.file("absent.pem"))\n    key: \(folder.file("server-rsa.key"))\n")
        #expect(missing.contains("shuniu.yaml:4:") && missing.contains("'server.tls.certificate'") && missing.contains("absent.pem")
            && missing.contains("cannot be read"), "\(missing)")
        let notAKey = problems("    certificate: \(folder.file("server-rsa.pem"))\n    key: \(folder.file("server-rsa.pem"))\n")
        #expect(notAKey.contains("'server.tls.key'") && notAKey.contains("not an unencrypted PEM private key"), "\(notAKey)")
        let noCA = problems("    certificate: \(folder.file("server-rsa.pem"))\n    key: \(folder.file("server-rsa.key"))\n    clientCertificates: required\n")
        #expect(noCA.contains("shuniu.yaml:6:") && noCA.contains("needs 'server.tls.clientCA'"), "\(noCA)")
        let good = problems("    certificate: \(folder.file("server-ec.pem"))\n    key: \(folder.file("server-ec.key"))\n")
        #expect(good.isEmpty, "\(good)")

        // The daemon says so and exits non-zero; it never crashes.
        let config = folder.file("shuniu.yaml")
        try "server:\n  tls:\n    certificate: \(folder.file("server-rsa.pem"))\n    key: \(folder.file("server-ec.key"))\n".write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try await CLI.run(["serve", "--config", config, "--data-dir", folder.file("hub"), "--port", "0"])
        #expect(serve.status == 1 && serve.output.contains("'server.tls.key'") && serve.output.contains("server-ec.key"), "\(serve.status) \(serve.output)")

        // Operator commands never read the served files: one who may not read the key still works.
        try FileManager.default.createDirectory(atPath: folder.file("hub"), withIntermediateDirectories: false)
        let status = try await CLI.run(["status", "--config", config, "--data-dir", folder.file("hub")])
        #expect(!status.output.contains("server.tls") && status.output.contains("no store at"), "read past the configuration: \(status.output)")
    }

    @Test("SIGHUP serves a renewed certificate to new connections; a bad pair at reload is refused and the one in force stays")
    func reloadOnSIGHUP() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await Self.makePKI(in: folder)
        let served = (certificate: folder.file("served.pem"), key: folder.file("served.key"))
        func install(_ certificate: String, _ key: String) throws {
            for (from, to) in [(certificate, served.certificate), (key, served.key)] {
                try? FileManager.default.removeItem(atPath: to)
                try FileManager.default.copyItem(atPath: folder.file(from), toPath: to)
            }
        }
        try install("server-rsa.pem", "server-rsa.key")
        let config = folder.file("shuniu.yaml")
        try "server:\n  tls:\n    certificate: \(served.certificate)\n    key: \(served.key)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let dataDir = folder.file("hub")
        let first = try await Self.fingerprint(folder.file("server-rsa.pem"))
        let renewed = try await Self.fingerprint(folder.file("server-next.pem"))
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log"), config: config) { daemon in
            #expect(daemon.log.contains("scheme=https"), "\(daemon.log)")
            #expect(try await Self.servedFingerprint(daemon.port) == first)
            // New connections get the renewed certificate.
            try install("server-next.pem", "server-next.key")
            daemon.process.signal(SIGHUP)
            #expect(await eventually { (try? await Self.servedFingerprint(daemon.port)) == renewed })
            #expect(try await Self.get(daemon.port, ca: folder.file("ca-next.pem")).status == 200)

            // The renewed certificate with the old key: refused, logged, and the renewed pair stays in force.
            try install("server-next.pem", "server-rsa.key")
            daemon.process.signal(SIGHUP)
            #expect(await eventually { daemon.log.contains("server certificate refused") }, "\(daemon.log)")
            #expect(try await Self.servedFingerprint(daemon.port) == renewed)
            #expect(try await Self.get(daemon.port, ca: folder.file("ca-next.pem")).status == 200)

            let store = try HubStore(directory: dataDir, create: false)
            defer { try? store.close() }
            let reloads = try await store.auditEntries(limit: 10, action: "tls.reload")
            #expect(reloads.map(\.outcome) == ["refused", "ok"], "\(reloads)")
            #expect(reloads.last?.detail.contains(renewed.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "").lowercased() } ?? "?") == true, "\(reloads)")
            #expect(reloads.first?.detail.contains("does not belong to the certificate") == true, "\(reloads)")
            #expect(try await daemon.stop(signal: SIGTERM) == 0)
        }
    }
}
