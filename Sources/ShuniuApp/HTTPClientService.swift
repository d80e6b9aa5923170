import ServiceLifecycle
import ShuniuTransport

/// Keeps the outbound HTTP client's event loop running while the hub runs; stops it after the
/// delivery workers (the service group stops services in reverse order).
struct HTTPClientService: Service {
    let client: CurlMultiClient

    func run() async throws {
        try? await gracefulShutdown()
        client.shutdown()
    }
}
