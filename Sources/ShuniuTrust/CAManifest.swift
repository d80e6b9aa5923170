import Foundation
import ShuniuCore

/// One recognized CA's `ca.yaml` (format: `Certs/README.md`): how long it is recognized, which
/// keys it may certify, its CRL policy and where it puts its holders' codes.
public struct CAManifest: Decodable, Sendable, Hashable {
    public var name: String
    /// First and last recognized day, Beijing time.
    public var recognizedSince: CalendarDay
    public var recognizedUntil: CalendarDay
    public var keyAlgorithms: [KeyAlgorithmName]
    /// The SM2 distinguishing ID of this CA's certificates; GM/T 0009's default when absent.
    public var sm2DistinguishingID: String?
    public var crl: CRLPolicy
    public var identity: [IdentityRule]

    /// The GM/T 0009-2012 default SM2 distinguishing ID.
    public static let defaultSM2ID = "1234567812345678"

    public var sm2ID: String { sm2DistinguishingID ?? Self.defaultSM2ID }

    public enum KeyAlgorithmName: String, Codable, Sendable, Hashable {
        case rsa, sm2
        case ecdsaP256 = "ecdsa-p256"
        case ecdsaP384 = "ecdsa-p384"
    }

    public struct CRLPolicy: Decodable, Sendable, Hashable {
        /// Where to fetch; empty means each certificate's CRL distribution points.
        public var urls: [String]
        /// Fetch again this long before `nextUpdate`.
        public var refreshBeforeSeconds: Int
        public var whenStale: StalePolicy

        enum CodingKeys: String, CodingKey { case urls, refreshBeforeSeconds, whenStale }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            urls = try container.decodeIfPresent([String].self, forKey: .urls) ?? []
            refreshBeforeSeconds = try container.decodeIfPresent(Int.self, forKey: .refreshBeforeSeconds) ?? 3600
            whenStale = try container.decodeIfPresent(StalePolicy.self, forKey: .whenStale) ?? .refuse
        }
    }

    /// What to do when this CA's CRL is past `nextUpdate` or could not be fetched.
    public enum StalePolicy: String, Codable, Sendable, Hashable {
        /// Refuse the certificate: revocation cannot be known.
        case refuse
        /// Accept it, with a warning recorded beside the verification.
        case warn
    }
}

/// Where a CA puts a holder's code: an extension or a subject attribute, prefixes to strip, an
/// optional pattern, and the kind of code it is.
public struct IdentityRule: Decodable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        case organization, person
    }

    public enum CodeType: String, Codable, Sendable, Hashable {
        case creditCode, residentID, organizationCode
    }

    public enum Source: Sendable, Hashable {
        case `extension`(oid: String)
        case subject(attribute: String)
    }

    public var kind: Kind
    public var source: Source
    public var stripPrefixes: [String]
    /// A regular expression; its first capture group (or the whole match) is the code.
    public var pattern: String?
    public var codeType: CodeType

    enum CodingKeys: String, CodingKey { case kind, from, stripPrefixes, pattern, codeType }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        let from = try container.decode(String.self, forKey: .from)
        if from.hasPrefix("extension:"), Self.isOID(String(from.dropFirst("extension:".count))) {
            source = .extension(oid: String(from.dropFirst("extension:".count)))
        } else if from.hasPrefix("subject:"), from.count > "subject:".count {
            source = .subject(attribute: String(from.dropFirst("subject:".count)))
        } else {
            throw DecodingError.dataCorruptedError(forKey: .from, in: container, debugDescription: "'from' must be extension:<OID> or subject:<attribute>, got '\(from)'")
        }
        stripPrefixes = try container.decodeIfPresent([String].self, forKey: .stripPrefixes) ?? []
        pattern = try container.decodeIfPresent(String.self, forKey: .pattern)
        if let pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
            throw DecodingError.dataCorruptedError(forKey: .pattern, in: container, debugDescription: "'pattern' is not a valid regular expression")
        }
        codeType = try container.decode(CodeType.self, forKey: .codeType)
    }

    static func isOID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
