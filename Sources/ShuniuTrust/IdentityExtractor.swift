import Foundation
import ShuniuSpec

/// Reads a holder's identity out of a certificate by its CA's manifest rules, and checks the
/// code by its own algorithm: a code that fails its check character is reported, never
/// silently accepted.
public struct IdentityExtractor: Sendable {
    public let authority: RecognizedCA

    public init(authority: RecognizedCA) {
        self.authority = authority
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// No rule of the manifest found a value.
        case notFound(rules: Int)
        /// A rule found a value that is not a valid code of its type.
        case invalidCode(rule: Int, value: String, reason: String)

        public var description: String {
            switch self {
            case .notFound(let rules):
                "none of the CA's \(rules) identity rules found a holder's code in the certificate"
            case .invalidCode(let rule, let value, let reason):
                "identity rule \(rule + 1) found '\(value)', which is not a valid code: \(reason)"
            }
        }
    }

    public func identity(of certificate: X509Certificate) -> Result<HolderIdentity, Failure> {
        for (index, rule) in authority.manifest.identity.enumerated() {
            guard let raw = value(of: rule, in: certificate) else { continue }
            let code = Self.normalize(raw, rule: rule)
            if let reason = Self.problem(in: code, as: rule.codeType) {
                return .failure(.invalidCode(rule: index, value: code, reason: reason))
            }
            let organizationName = rule.kind == .organization ? certificate.subjectValues("O").first : nil
            return .success(HolderIdentity(
                kind: rule.kind, code: code, codeType: rule.codeType,
                name: organizationName ?? certificate.subjectValues("CN").first ?? "",
                ca: authority.id, serial: certificate.serialHex, notBefore: certificate.notBefore, notAfter: certificate.notAfter
            ))
        }
        return .failure(.notFound(rules: authority.manifest.identity.count))
    }

    private func value(of rule: IdentityRule, in certificate: X509Certificate) -> String? {
        let candidates: [String]
        switch rule.source {
        case .extension(let oid): candidates = certificate.extensionString(oid: oid).map { [$0] } ?? []
        case .subject(let attribute): candidates = certificate.subjectValues(attribute)
        }
        for candidate in candidates {
            var text = candidate.trimmingCharacters(in: .whitespacesAndNewlines)
            if let pattern = rule.pattern {
                guard let found = Self.match(pattern, in: text) else { continue }
                text = found
            }
            if !text.isEmpty { return text }
        }
        return nil
    }

    /// Prefixes stripped (the first that matches), upper case, hyphen of 组织机构代码 kept as written.
    static func normalize(_ raw: String, rule: IdentityRule) -> String {
        var text = raw
        for prefix in rule.stripPrefixes where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
            break
        }
        return text.trimmingCharacters(in: .whitespaces).uppercased()
    }

    static func problem(in code: String, as type: IdentityRule.CodeType) -> String? {
        switch type {
        case .creditCode: CreditCode.problem(in: code)
        case .organizationCode: OrganizationCode.problem(in: code)
        case .residentID:
            if case .failure(let failure) = ResidentID.normalize(code) { failure.message } else { nil }
        }
    }

    /// The first capture group of `pattern`, or the whole match.
    static func match(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        let range = NSRange(text.startIndex..., in: text)
        guard let found = expression.firstMatch(in: text, range: range) else { return nil }
        let group = found.numberOfRanges > 1 && found.range(at: 1).location != NSNotFound ? found.range(at: 1) : found.range
        return Range(group, in: text).map { String(text[$0]) }
    }
}
