/// The registered trading platforms, as a request's authentication reads them: at every
/// request, so that a suspension or a removed certificate takes effect at once.
public protocol PlatformDirectory: Sendable {
    func platform(_ id: PlatformID) async throws -> Platform?

    /// The platform with this app key and its HMAC secret.
    func platformCredential(appKey: String) async throws -> (Platform, PlatformCredential)?

    /// The registration in force of the certificate with this fingerprint, with its platform.
    func certificateInForce(fingerprint: String) async throws -> (Platform, PlatformCertificate)?
}
