import Foundation
import Logging
import ShuniuCore
import ShuniuMapping
import ShuniuSpec
import ShuniuTrust

/// What the hub reads from its folders before it opens the store: the spec, the platforms'
/// mapping files and the server's certificate. Read once at start, on a thread of its own
/// (``Hub/init(configuration:logger:spec:)``); a spec with problems stops the start before the
/// store is touched.
struct HubFiles: Sendable {
    var spec: DataSpec
    var mappings: MappingRegistry
    var mappingReport: MappingRegistry.ReloadReport
    var serverTLS: ServerTLSState?
    /// Each destination's format, by destination name (the hub's JSON when it names none).
    var formats: [String: any DeliveryFormat]

    static func load(_ configuration: HubConfiguration, logger: Logger, spec given: DataSpec?) throws -> HubFiles {
        // Every digest and HMAC the hub offers must work before any request is taken.
        try CryptoSelfCheck.run()
        var spec = try given ?? SpecLoader.load(directory: configuration.specDir)
        // The operators' allowed codes are this hub's store's: a list of its own, shared with nobody.
        spec.knownInvalidCodes = spec.knownInvalidCodes.withoutOperatorEntries()
        let thisYear = CalendarDay(Date()).year
        if !spec.calendar.years.contains(thisYear) {
            logger.warning("no holiday calendar for this year: working-day deadlines count weekends only", metadata: [
                "year": "\(thisYear)", "add": "\(configuration.specDir)/calendar/\(thisYear).yaml",
            ])
        }
        let mappings = MappingRegistry(folder: configuration.platformMappingsDir, spec: spec)
        let report = mappings.reload()
        let serverTLS = try configuration.tls.map { try ServerTLSState(settings: $0) }
        let formats = try DestinationFormats.load(for: configuration.destinations, from: configuration.destinationMappingsDir, spec: spec)
        return HubFiles(spec: spec, mappings: mappings, mappingReport: report, serverTLS: serverTLS, formats: formats)
    }
}
