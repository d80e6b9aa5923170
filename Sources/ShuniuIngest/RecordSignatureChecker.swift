import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuTrust

/// Checks a record's detached signature before anything is stored, and says what to keep with
/// the version: the signer's identity, its CA, the signature and the revocation evidence.
///
/// A spec-shaped record may carry, beside `data`:
///
/// ```json
/// "signature": {"format": "cms" | "raw", "value": "<base64>", "certificate": "<PEM or base64 DER>",
///               "chain": ["…"], "algorithm": "sm2-sm3"}
/// ```
///
/// signed over the UTF-8 canonical JSON of `data` as sent (keys sorted by code point, no
/// whitespace, minimal escapes: `JSONValue.canonicalText`). `certificate` is required for a raw
/// signature; a CMS SignedData may carry its signer's certificate itself.
struct RecordSignatureChecker: Sendable {
    let verification: CertificateVerification

    /// What is stored with the version (canonical JSON).
    struct Evidence: Encodable {
        var format: String
        var algorithm: String?
        var signature: String
        /// The signer's certificate as sent (PEM or base64 DER), and its SHA-256 fingerprint.
        var certificate: String
        var fingerprint: String?
        var signer: HolderIdentity
        var ca: String
        var revocationEvidence: [String]
        var warnings: [String]
        var verifiedAt: Date
    }

    /// Nil evidence when there is no signature and none is required.
    func check(
        _ signature: JSONValue?, data: [String: JSONValue], fields: [String: String], dataset: DatasetSpec, path: String, now: Date
    ) -> Result<String?, ValidationProblems> {
        let signaturePath = "\(path).signature"
        func fail(_ code: ProblemCode, _ at: String, _ message: String) -> Result<String?, ValidationProblems> {
            .failure(ValidationProblems(problems: [Problem(code: code, path: at, message: message)]))
        }
        guard let signature, signature != .null else {
            if dataset.signature?.required == true {
                return fail(.signatureMissing, signaturePath, "dataset \(dataset.dataset) \(dataset.label) records must carry a detached signature")
            }
            return .success(nil)
        }
        guard case .object(let fieldsOfSignature) = signature else {
            return fail(.signatureMalformed, signaturePath, "\"signature\" is an object {\"format\", \"value\", \"certificate\", …}")
        }
        func text(_ key: String) -> String? {
            if case .string(let value)? = fieldsOfSignature[key] { return value }
            return nil
        }
        guard let value = text("value") else { return fail(.signatureMalformed, "\(signaturePath).value", "\"value\" is the base64 signature") }
        let format = text("format") ?? "cms"
        var certificate = text("certificate")
        if certificate == nil, format == "cms",
           let bytes = Data(base64Encoded: value.filter { !$0.isWhitespace }), let embedded = (try? CMSSignedData([UInt8](bytes)))?.certificates.first {
            certificate = Data(embedded.der).base64EncodedString()
        }
        guard let certificate else {
            return fail(.signatureMalformed, "\(signaturePath).certificate", "\"certificate\" (PEM or base64 DER) is required with a \(format) signature")
        }
        var chain: [String] = []
        if case .array(let items)? = fieldsOfSignature["chain"] {
            chain = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        }
        let signed = Array(JSONValue.object(data).canonicalText.utf8)
        let check = CertificateCheck(
            certificate: certificate, chain: chain, data: Data(signed).base64EncodedString(), signature: value,
            signatureFormat: format, algorithm: text("algorithm")
        )
        let verdict: CertificateVerdict
        do {
            verdict = try check.run(with: verification, now: now)
        } catch {
            return fail(.signatureMalformed, "\(signaturePath).\(error.field)", error.message)
        }
        if let invalid = verdict.reasons.first(where: { $0.code == "signature" }) {
            return fail(.signatureInvalid, "\(signaturePath).value", invalid.message)
        }
        guard verdict.valid, let identity = verdict.identity, let ca = verdict.ca else {
            let reasons = verdict.reasons.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
            return fail(.signatureCertificate, "\(signaturePath).certificate", "the signer's certificate is not recognized: \(reasons)")
        }
        if let policy = dataset.signature, !policy.signerFields.isEmpty {
            // Any one of several tenderers (a `;`-separated list of codes) may sign.
            let allowed = policy.signerFields.flatMap { fields[$0].map(SubjectCode.elements) ?? [] }
            guard allowed.contains(identity.code) else {
                let names = policy.signerFields.map { "\(dataset.field($0)?.label ?? $0) (\($0))" }.joined(separator: " or ")
                return fail(.signatureSignerMismatch, "\(signaturePath).certificate",
                            "signed by \(identity.name) \(identity.code), but dataset \(dataset.dataset) must be signed by its \(names): \(allowed.joined(separator: ", "))")
            }
        }
        let evidence = Evidence(
            format: format, algorithm: text("algorithm"), signature: value, certificate: certificate, fingerprint: verdict.chain.first?.sha256,
            signer: identity, ca: ca.id, revocationEvidence: verdict.revocationEvidence, warnings: verdict.warnings.map { "\($0.code): \($0.message)" },
            verifiedAt: now
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return .success((try? encoder.encode(evidence)).map { String(decoding: $0, as: UTF8.self) })
    }
}
