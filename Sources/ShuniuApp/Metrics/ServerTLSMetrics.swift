import Foundation

/// The served certificate's expiry, read at each scrape from the material in force (so a SIGHUP
/// reload shows at once), for the `ShuniuTLSCertificateExpiring` alert.
enum ServerTLSMetrics {
    static let expiryName = "shuniu_tls_certificate_expiry_timestamp_seconds"

    static func exposition(_ state: ServerTLSState?) -> String {
        guard let state else { return "" }
        return ProcessMetrics.family(
            expiryName, "gauge", "When the server certificate in force expires, in seconds since the Unix epoch (served with server.tls only).",
            state.current.notAfter.timeIntervalSince1970.rounded(.down)
        )
    }
}
