import ShuniuCore

/// Every port on one PostgreSQL database, for the hub and its operators.
extension PostgresStore: StoreEngine {}
