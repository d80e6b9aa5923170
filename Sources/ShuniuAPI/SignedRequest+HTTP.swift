import HTTPTypes
import Hummingbird
import ShuniuAuth
import ShuniuCore

extension SignedRequest {
    /// The signed parts of an HTTP request, body not yet read. The signed path is the request
    /// target as sent: the path, and `?query` when there is one, so a query cannot be changed
    /// under a signature.
    init(_ request: Request, context: HubRequestContext) {
        let headers = request.headers
        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }
        }
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        self.init(
            method: request.method.rawValue, path: target,
            appKey: header(SignatureHeader.appKey), timestamp: header(SignatureHeader.timestamp),
            nonce: header(SignatureHeader.nonce), signatureMethod: header(SignatureHeader.method),
            signature: header(SignatureHeader.signature), body: [], address: context.callerAddress,
            certificate: header(SignatureHeader.certificate)
        )
    }
}
