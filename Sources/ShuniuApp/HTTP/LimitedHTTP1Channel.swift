import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with Shuniu's connection limits: a connection from an
/// address that already holds `server.maxConnectionsPerAddress` is closed at once, and every other
/// one gets a ``ConnectionTimeoutHandler``.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let counter: AddressConnectionCounter
    let metrics: ConnectionMetrics

    /// Wraps an HTTP/1 channel answering with `responder`; its timeouts come from `limits`.
    init(
        responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits,
        counter: AddressConnectionCounter, metrics: ConnectionMetrics, logger: Logger
    ) {
        self.http1 = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [ConnectionTimeoutHandler(limits: limits, metrics: metrics, logger: logger)])
        )
        self.counter = counter
        self.metrics = metrics
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "-"
        if counter.admit(address) {
            let counter = self.counter
            channel.closeFuture.whenComplete { _ in counter.release(address) }
        } else {
            metrics.closed(.perAddressCap)
            logger.debug("refusing a connection over the per-address cap", metadata: ["address": "\(address)"])
            do {
                try channel.pipeline.syncOperations.addHandler(ConnectionRefusalHandler())
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        return http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
