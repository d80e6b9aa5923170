import ShuniuCore

/// The SQLite engine behind the delivery workers' port (HubStore+Delivery.swift).
extension HubStore: DeliveryQueue {}
