import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A child channel that speaks TLS with the context in force when the connection is accepted,
/// then hands the decrypted stream to `base`. HummingbirdTLS's `TLSChannel` fixes one context for
/// the server's life; this one reads ``ServerTLSState`` per connection so that a reloaded
/// certificate is served without a restart.
struct ReloadableTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let tls: ServerTLSState

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = tls.current.context
        return channel.eventLoop.makeCompletedFuture {
            // First in the pipeline: the connection limits and HTTP handlers see plain text.
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context), position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
