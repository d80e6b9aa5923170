import Synchronization

/// The certificate verification in force, swapped whole when the trust list or a CRL changes,
/// so that a check never sees half of an update.
public final class TrustState: Sendable {
    private let current: Mutex<CertificateVerification>
    /// Counts replacements, so that caches of verdicts can tell theirs are out of date.
    private let replacements = Atomic<UInt64>(0)

    public init(_ verification: CertificateVerification) {
        current = Mutex(verification)
    }

    public var verification: CertificateVerification {
        current.withLock { $0 }
    }

    public func replace(with verification: CertificateVerification) {
        current.withLock {
            $0 = verification
            // Inside the lock, so that a snapshot never pairs the new verification with the old number.
            replacements.add(1, ordering: .relaxed)
        }
    }

    /// How many times the verification was replaced: a verdict reached under one generation is
    /// stale under any other.
    public var generation: UInt64 {
        current.withLock { _ in replacements.load(ordering: .relaxed) }
    }

    /// The verification in force and its generation, read together.
    public func snapshot() -> (verification: CertificateVerification, generation: UInt64) {
        current.withLock { ($0, replacements.load(ordering: .relaxed)) }
    }
}
