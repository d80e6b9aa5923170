/// The outcome of verifying a certificate chain.
public struct ChainVerdict: Sendable {
    /// True when the chain reached a trust anchor and nothing in ``reasons`` was found.
    public var isValid: Bool
    /// Every problem OpenSSL (and the purpose check) found, not just the first.
    public var reasons: [ChainProblem]
    /// Problems the caller chose to accept, e.g. a stale CRL under `allowStaleCRL`.
    public var warnings: [ChainProblem]
    /// The chain as built, leaf first and (when one was reached) the trust anchor last.
    public var chain: [X509Certificate]

    public init(isValid: Bool, reasons: [ChainProblem], warnings: [ChainProblem] = [], chain: [X509Certificate]) {
        self.isValid = isValid
        self.reasons = reasons
        self.warnings = warnings
        self.chain = chain
    }

    /// The reasons' codes, for matching in callers and tests.
    public var codes: [ChainProblem.Code] { reasons.map(\.code) }
}
