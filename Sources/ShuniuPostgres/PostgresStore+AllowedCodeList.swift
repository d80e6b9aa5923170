import Foundation
import ShuniuCore

// SCAFFOLD: every method below is to be built.
extension PostgresStore: AllowedCodeList {
    public func allowCode(_ code: String, kind: String, reason: String, by operatorName: String) async throws -> AllowedCode { throw Self.notYet("allowCode") }
    public func removeAllowedCode(_ code: String, reason: String, by operatorName: String) async throws { throw Self.notYet("removeAllowedCode") }
    public func allowedCodes() async throws -> [AllowedCode] { throw Self.notYet("allowedCodes") }
}
