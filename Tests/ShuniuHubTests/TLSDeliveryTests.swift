import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTesting
import Testing

/// Delivery to an HTTPS upstream that demands a client certificate: a real TLS server (Python's
/// `ssl` module, started by the test on a loopback port) with certificates made by `openssl`.
@Suite("Delivery over TLS with a client certificate")
struct TLSDeliveryTests {
    static let server = #"""
        import http.server, ssl, sys
        ca, cert, key, log = sys.argv[1:5]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                subject = dict(x[0] for x in self.connection.getpeercert()["subject"])["commonName"]
                with open(log, "a") as f: f.write(subject + " " + str(len(body)) + "\n")
                self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
            def log_message(self, *args): pass
        httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.load_verify_locations(ca)
        context.verify_mode = ssl.CERT_REQUIRED
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        print(httpd.server_address[1], flush=True)
        httpd.serve_forever()
        """#

    /// Runs a shell command, throwing when it fails.
    static func shell(_ command: String, in folder: String) throws {
        let (status, output) = try ChildProcess.run("/bin/sh", ["-c", command], directory: folder)
        guard status == 0 else { throw TestHubError(message: "failed: \(command): \(output)") }
    }

    @Test("The hub presents its client certificate and trusts the upstream's CA; without the certificate the upstream refuses")
    func clientCertificate() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await blocking {
            try Self.shell("""
                openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Test Upstream CA" && \
                openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" && \
                printf "subjectAltName=IP:127.0.0.1" > san.ext && \
                openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext && \
                openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=shuniu-hub-4201" && \
                openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
                """, in: folder.path)
        }
        try Self.server.write(toFile: folder.file("server.py"), atomically: true, encoding: .utf8)
        let server = ["python3", "-u", folder.file("server.py"), folder.file("ca.pem"), folder.file("server.pem"), folder.file("server.key"), folder.file("requests.log")]
        try await ChildProcess.withRunning("/usr/bin/env", server, outputFile: folder.file("server.out")) { python in
            // The server prints its port on its first line once it listens.
            #expect(await eventually(timeout: .seconds(20)) { python.output.contains("\n") })
            let port = try #require(python.output.split(separator: "\n").first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, "\(python.output)")
            let url = "https://127.0.0.1:\(port)/records"

            try await RunningHub.withRunning(dataDir: folder.file("hub"), adjust: { configuration in
                configuration.destinations = [
                    Destination(name: "mutual", url: url, tlsCertificate: folder.file("client.pem"), tlsKey: folder.file("client.key"), tlsCA: folder.file("ca.pem"), retrySchedule: [60]),
                    Destination(name: "anonymous", url: url, tlsCA: folder.file("ca.pem"), retrySchedule: [60]),
                ]
                configuration.routing = RoutingTable(routes: [Route(destination: "mutual"), Route(destination: "anonymous")])
            }) { hub in
                let client = hub.client(try await Fixtures.register(in: hub.store))
                #expect(try await client.send(body: Fixtures.batch(Fixtures.projects(count: 3))).status == 200)
                #expect(try await eventually { try await hub.store.queueStats(destinations: ["mutual"])[0].delivered == 3 })
                #expect(try await eventually { try await hub.store.queueStats(destinations: ["anonymous"])[0].retrying == 3 })
                let log = (try? String(contentsOfFile: folder.file("requests.log"), encoding: .utf8)) ?? ""
                #expect(log.hasPrefix("shuniu-hub-4201 "))
                #expect(try await hub.store.queueStats(destinations: ["anonymous"])[0].lastError != nil)
            }
        }
    }
}
