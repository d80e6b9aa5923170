/// The operators' list of real codes that fail their check character (allowed codes): kept by
/// the store, shared by every instance, put in force by each at start and on reload.
///
/// Every engine must keep these guarantees:
/// - **A change and its audit entry (`codes.allow`, `codes.remove`) are one transaction.**
/// - A code is on the list once: allowing it again throws ``StoreError/Code/invalidChange``;
///   removing a code not on it throws ``StoreError/Code/notFound``.
public protocol AllowedCodeList: Sendable {
    /// Puts a code on the list (`kind`: `creditCode` or `organizationCode`).
    func allowCode(_ code: String, kind: String, reason: String, by operatorName: String) async throws -> AllowedCode

    /// Takes a code off the list.
    func removeAllowedCode(_ code: String, reason: String, by operatorName: String) async throws

    /// The list, by code (read by every instance at its start and on reload).
    func allowedCodes() async throws -> [AllowedCode]
}
