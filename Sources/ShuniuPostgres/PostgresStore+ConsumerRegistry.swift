import Foundation
import ShuniuCore

// SCAFFOLD: every method below is to be built.
extension PostgresStore: ConsumerRegistry {
    public func addConsumer(_ consumer: Consumer, secret: String, by operatorName: String) async throws { throw Self.notYet("addConsumer") }
    public func consumers() async throws -> [Consumer] { throw Self.notYet("consumers") }
    public func consumer(_ id: String) async throws -> Consumer? { throw Self.notYet("consumer") }
    public func setConsumerStatus(_ id: String, to status: ConsumerStatus, by operatorName: String, reason: String?) async throws -> Consumer { throw Self.notYet("setConsumerStatus") }
    public func setConsumerRateLimit(_ id: String, to perMinute: Int, by operatorName: String) async throws -> Consumer { throw Self.notYet("setConsumerRateLimit") }
    public func setConsumerCertificate(_ id: String, to certificate: ConsumerCertificate, by operatorName: String) async throws -> Consumer { throw Self.notYet("setConsumerCertificate") }
    public func addGrant(_ grant: DataGrant) async throws -> DataGrant { throw Self.notYet("addGrant") }
    public func revokeGrant(_ id: Int64, by operatorName: String, reason: String?) async throws -> DataGrant { throw Self.notYet("revokeGrant") }
    public func grants(consumer: String?) async throws -> [DataGrant] { throw Self.notYet("grants") }
}
