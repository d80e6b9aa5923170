import HTTPTypes
import Hummingbird

/// Sets the request's client address from `X-Forwarded-For` when the TCP peer is a trusted proxy
/// (``TrustedProxies``): what the audit log, the refusal tally, rate limits and the access log use.
/// First in the chain, so that every later middleware and route sees it.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let trustedProxies: TrustedProxies

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = trustedProxies.clientAddress(peer: context.peerAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        return try await next(request, context)
    }
}
