import Synchronization

/// The certificate verification in force, swapped whole when the trust list or a CRL changes,
/// so that a check never sees half of an update.
public final class TrustState: Sendable {
    private let current: Mutex<CertificateVerification>

    public init(_ verification: CertificateVerification) {
        current = Mutex(verification)
    }

    public var verification: CertificateVerification {
        current.withLock { $0 }
    }

    public func replace(with verification: CertificateVerification) {
        current.withLock { $0 = verification }
    }
}
