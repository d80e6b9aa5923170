import ArgumentParser
import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuTrust

/// `shuniu push`: sign a batch file as a platform would and send it to a hub.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Sign a JSON batch as a trading platform and POST it to a hub's /api/v1/records.",
        discussion: """
            Prints the hub's answer (JSON) on standard output, after a one-line summary on standard error \
            (records sent, signer, counts, HTTP status); exits 1 unless the status is 2xx.
            With --app-key: HMAC under the app secret, read from --secret-file or the SHUNIU_APP_SECRET environment variable, never from the command line.
            With --certificate and --key: signed with a registered certificate's private key (unencrypted PKCS#8 PEM).
            """
    )

    @Argument(help: "A batch file: {\"records\": [{\"dataset\": \"500\", \"data\": {…}}, …]}.")
    var file: String

    @Option(name: .long, help: "The hub's base URL.")
    var url = "http://127.0.0.1:8480"

    @Option(name: .customLong("app-key"), help: "The platform's app key (HMAC signing).")
    var appKey: String?

    @Option(name: .customLong("secret-file"), help: "File holding the app secret (else $SHUNIU_APP_SECRET).")
    var secretFile: String?

    @Option(name: .long, help: "A certificate registered for the platform (PEM or DER), to sign with instead of the app secret.")
    var certificate: String?

    @Option(name: .long, help: "The certificate's private key: PKCS#8 PEM, unencrypted.")
    var key: String?

    @Option(name: .customLong("sm2-id"), help: "The SM2 distinguishing ID of the certificate's CA (default 1234567812345678).")
    var sm2ID = SM2.defaultDistinguishingID

    @Option(name: .long, help: "HMAC-SHA256 or HMAC-SM3 with --app-key; SM2-SM3, RSA-SHA256 or ECDSA-SHA256 with --certificate (default: the one that fits the key).")
    var method: String?

    func validate() throws {
        switch (appKey, certificate, key) {
        case (.some, nil, nil), (nil, .some, .some): break
        case (nil, .some, nil), (nil, nil, .some): throw ValidationError("--certificate and --key go together")
        case (nil, nil, nil): throw ValidationError("sign with --app-key (HMAC) or with --certificate and --key")
        default: throw ValidationError("--app-key signs with HMAC, --certificate and --key with a certificate: give one or the other")
        }
    }

    func run() async throws {
        guard let body = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)") }
        let client = try makeClient()
        let response = try await client.send(body: Array(body))
        let summary = PushSummary(batch: body, url: client.baseURL, signer: signer, status: response.status, answer: response.body)
        FileHandle.standardError.write(Data((summary.line + "\n").utf8))
        print(response.bodyText)
        if !(200..<300).contains(response.status) { throw ExitCode(1) }
    }

    /// Who signs, for the summary line: never the secret.
    private var signer: String {
        if let appKey { return "app key \(appKey)" }
        guard let certificate, let bytes = FileManager.default.contents(atPath: certificate),
              let parsed = try? X509Certificate([UInt8](bytes)) else { return "a certificate" }
        return "certificate \(parsed.subject)"
    }

    private func makeClient() throws -> IngestClient {
        if let certificate, let key {
            var certificateMethod: CertificateSignatureMethod?
            if let method {
                guard let parsed = CertificateSignatureMethod(rawValue: method.uppercased()) else {
                    throw ValidationError("--method with --certificate must be SM2-SM3, RSA-SHA256 or ECDSA-SHA256")
                }
                certificateMethod = parsed
            }
            guard let certificateBytes = FileManager.default.contents(atPath: certificate) else { throw CLIFailure("cannot read \(certificate)") }
            guard let keyBytes = FileManager.default.contents(atPath: key) else { throw CLIFailure("cannot read \(key)") }
            do {
                return try IngestClient(
                    baseURL: url, certificate: X509Certificate([UInt8](certificateBytes)), key: PrivateKey([UInt8](keyBytes)),
                    method: certificateMethod, sm2ID: sm2ID
                )
            } catch {
                throw CLIFailure(error.description)
            }
        }
        guard let appKey else { throw CLIFailure("sign with --app-key (HMAC) or with --certificate and --key") }
        guard let signatureMethod = SignatureMethod(rawValue: (method ?? SignatureMethod.hmacSHA256.rawValue).uppercased()) else {
            throw ValidationError("--method must be HMAC-SHA256 or HMAC-SM3")
        }
        let secret: String
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8) else { throw CLIFailure("cannot read \(secretFile)") }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["SHUNIU_APP_SECRET"], !fromEnvironment.isEmpty {
            secret = fromEnvironment
        } else {
            throw CLIFailure("give the app secret in --secret-file or SHUNIU_APP_SECRET")
        }
        return IngestClient(baseURL: url, credential: PlatformCredential(appKey: appKey, secret: secret), method: signatureMethod)
    }
}
