import HTTPTypes
import ShuniuAuth
import ShuniuCore
import ShuniuIngest
import ShuniuSharing

/// Where refusals and batch outcomes become HTTP statuses: only here, at the edge.
enum HTTPStatusMapping {
    static func status(for code: IngestRefusal.Code) -> HTTPResponse.Status {
        switch code {
        case .malformedJSON, .malformedPayload, .invalidBatch, .notUTF8, .duplicateKey, .nestingTooDeep: .badRequest
        case .nothingMapped: .unprocessableContent
        case .mappingUnavailable: .serviceUnavailable
        case .bodyTooLarge, .tooManyRecords: .contentTooLarge
        case .platformSuspended, .certificationExpired: .forbidden
        case .rateLimited, .tooManyRefusals: .tooManyRequests
        default: status(for: AuthRefusal.Code(rawValue: code.rawValue))
        }
    }

    static func status(for code: AuthRefusal.Code) -> HTTPResponse.Status {
        switch code {
        case .missingCredentials, .headerTooLong, .unsupportedSignatureMethod, .unknownAppKey, .badSignature, .timestampOutOfWindow: .unauthorized
        // The certificate itself is no good: the credential fails, as a bad app key would.
        case .unknownCertificate, .certificateRevoked, .certificateExpired, .certificateInvalid: .unauthorized
        case .nonceReused: .conflict
        // A sound certificate whose holder is not the platform's operator: who it is, is known; it may not.
        case .certificateHolderMismatch: .forbidden
        default: .badRequest
        }
    }

    static func status(for code: ReadRefusal.Code) -> HTTPResponse.Status {
        switch code {
        case .badQuery, .invalidDispute: .badRequest
        case .notFound, .unknownDataset: .notFound
        case .rateLimited, .tooManyRefusals: .tooManyRequests
        case .notShared, .grantRequired, .consumerSuspended: .forbidden
        default:
            // The authentication codes are shared with ingest.
            status(for: AuthRefusal.Code(rawValue: code.rawValue))
        }
    }

    /// 200 when any record was accepted or a duplicate. When every record was rejected:
    /// 403 if all for datasets the platform may not send, 409 if all for keys another platform
    /// owns, otherwise 422.
    static func status(for response: IngestResponse) -> HTTPResponse.Status {
        if response.accepted + response.duplicate > 0 { return .ok }
        let codes = Set(response.results.flatMap { ($0.problems ?? []).map(\.code) })
        if codes == [.datasetNotAllowed] { return .forbidden }
        if codes == [.keyOwnedByOtherPlatform] { return .conflict }
        return .unprocessableContent
    }
}
