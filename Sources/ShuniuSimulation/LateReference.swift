/// Lets a router's handler reach the simulated server that owns it: the routes are made before
/// `self` exists, so the reference is set once the server has started.
final class LateReference<Owner: Sendable>: @unchecked Sendable {
    // @unchecked: written once, before the first request can arrive (nobody knows the port until
    // the server's init returns), and only read afterwards.
    var owner: Owner?
}
