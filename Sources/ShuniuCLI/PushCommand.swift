import ArgumentParser
import Foundation
import ShuniuClient
import ShuniuCore

/// `shuniu push`: sign a batch file as a platform would and send it to a hub.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Sign a JSON batch as a trading platform and POST it to a hub's /api/v1/records.",
        discussion: "The secret is read from --secret-file or the SHUNIU_APP_SECRET environment variable, never from the command line."
    )

    @Argument(help: "A batch file: {\"records\": [{\"dataset\": \"500\", \"data\": {…}}, …]}.")
    var file: String

    @Option(name: .long, help: "The hub's base URL.")
    var url = "http://127.0.0.1:8480"

    @Option(name: .customLong("app-key"), help: "The platform's app key.")
    var appKey: String

    @Option(name: .customLong("secret-file"), help: "File holding the app secret (else $SHUNIU_APP_SECRET).")
    var secretFile: String?

    @Option(name: .long, help: "HMAC-SHA256 or HMAC-SM3.")
    var method = SignatureMethod.hmacSHA256.rawValue

    func run() async throws {
        guard let signatureMethod = SignatureMethod(rawValue: method.uppercased()) else {
            throw ValidationError("--method must be HMAC-SHA256 or HMAC-SM3")
        }
        let secret: String
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8) else { throw ValidationError("cannot read \(secretFile)") }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["SHUNIU_APP_SECRET"], !fromEnvironment.isEmpty {
            secret = fromEnvironment
        } else {
            throw ValidationError("give the app secret in --secret-file or SHUNIU_APP_SECRET")
        }
        guard let body = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let client = IngestClient(baseURL: url, credential: PlatformCredential(appKey: appKey, secret: secret), method: signatureMethod)
        let response = try await client.send(body: Array(body))
        print("HTTP \(response.status)")
        print(response.bodyText)
        if !(200..<300).contains(response.status) { throw ExitCode(1) }
    }
}
