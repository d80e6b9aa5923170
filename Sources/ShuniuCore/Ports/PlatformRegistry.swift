/// The registered trading platforms as operators keep them: registration, status, operator code,
/// rate limit, strict fields, predecessors and certificates.
///
/// Every engine must keep these guarantees:
/// - **Every change is audited in its own transaction**: the change and its audit entry (actor:
///   the operator named) are stored together or not at all.
/// - **Ids and app keys are unique**: a second registration of either is refused
///   (``StoreError/Code/platformExists``, ``StoreError/Code/appKeyExists``) and stores nothing.
/// - A change to a platform the hub does not have throws ``StoreError/Code/platformNotFound``;
///   a change that makes no sense (a platform succeeding itself, twice) ``StoreError/Code/invalidChange``.
/// - **A certificate is in force for one platform at a time**
///   (``StoreError/Code/certificateRegistered``); a removed one is kept, marked removed, for the
///   record (``StoreError/Code/certificateNotFound`` when none is in force).
/// - A change takes effect at the next request, on every instance (``PlatformDirectory`` reads
///   at every request).
public protocol PlatformRegistry: PlatformDirectory {
    /// Registers a platform with its HMAC secret, audited as `platform.add`.
    func addPlatform(_ platform: Platform, secret: String, by operatorName: String) async throws

    /// Every registered platform, by id.
    func platforms() async throws -> [Platform]

    /// Suspends or resumes a platform (`platform.suspend`, `platform.resume`): a suspended one's requests are refused.
    func setPlatformStatus(_ id: PlatformID, to status: PlatformStatus, by operatorName: String, reason: String?) async throws -> Platform

    /// Sets the operator's unified social credit code the platform's records must name.
    func setOperatorCode(_ id: PlatformID, to code: String, by operatorName: String, reason: String?) async throws -> Platform

    /// Sets the requests a minute the platform may send.
    func setPlatformRateLimit(_ id: PlatformID, to perMinute: Int, by operatorName: String) async throws -> Platform

    /// Turns on or off the refusal of fields the spec does not know.
    func setStrictFields(_ id: PlatformID, to strict: Bool, by operatorName: String) async throws -> Platform

    /// Makes `id` the successor of `predecessor`: `id` may then send versions of the records
    /// `predecessor` owns (一数一源 passes to the successor).
    func addPredecessor(_ predecessor: PlatformID, to id: PlatformID, reason: String, by operatorName: String) async throws -> Platform

    /// Registers a certificate for its platform; returns it as stored.
    func addPlatformCertificate(_ certificate: PlatformCertificate, by operatorName: String) async throws -> PlatformCertificate

    /// Takes a certificate out of force (kept, marked removed); returns it as it now stands.
    func removePlatformCertificate(_ platform: PlatformID, fingerprint: String, by operatorName: String, reason: String?) async throws -> PlatformCertificate

    /// The platform's certificates in force (and removed ones with `includingRemoved`).
    func platformCertificates(_ platform: PlatformID, includingRemoved: Bool) async throws -> [PlatformCertificate]
}

extension PlatformRegistry {
    /// Sets the operator's code, with no reason given.
    public func setOperatorCode(_ id: PlatformID, to code: String, by operatorName: String) async throws -> Platform {
        try await setOperatorCode(id, to: code, by: operatorName, reason: nil)
    }

    /// The platform's certificates in force.
    public func platformCertificates(_ platform: PlatformID) async throws -> [PlatformCertificate] {
        try await platformCertificates(platform, includingRemoved: false)
    }
}
