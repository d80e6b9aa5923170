/// One whole store engine: every port the hub and its operators use, as one value the
/// composition root opens once and hands out, each part of the hub taking only the ports it needs.
///
/// Every engine keeps each port's guarantees (see each port), whichever instance of the hub
/// calls; the contract suites (StorePortContractTests, LedgerPortContractTests,
/// OperatorPortContractTests) run against each engine.
public protocol StoreEngine:
    IngestLedger, NonceLedger, ReadLedger, DeliveryQueue,
    PlatformRegistry, ConsumerRegistry, AllowedCodeList,
    AuditTrail, QueueAdministration, RecordArchive, ConnectorAdministration, StoreAdministration,
    JobLocks, CommitEvents, InstanceRoster
{}
