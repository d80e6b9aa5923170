import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is slow or gone, one timer per connection on its event loop:
///
/// - header timeout: a request head must be complete this long after the connection opened, or
///   after the first bytes of a later head arrived;
/// - body timeout: while a request body is being read and the hub has asked for more, the client
///   may pause this long between two pieces (a pause, not a total);
/// - idle timeout: a kept-alive connection with no request under way and no bytes arriving.
///
/// A request being answered is never timed out here, however long its answer takes (a long-polling
/// feed read holds one open up to `feed.maxWaitSeconds`). It sits after the HTTP decoder, so it
/// sees request and response parts; bytes that decode into nothing yet still complete a read,
/// which is how a half-sent head is told from a quiet connection.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let metrics: ConnectionMetrics
    private let logger: Logger

    /// The timers start when the connection is active.
    private var started = false
    /// Since when a request head has been owed: the connection opened, or its first bytes came.
    private var headOwedSince: NIODeadline?
    /// When the last response ended with no other request under way.
    private var idleSince = NIODeadline.now()
    /// A request head has been read and its end not yet.
    private var readingBody = false
    /// Requests read whose response has not ended yet.
    private var responsesOwed = 0
    /// Since when the hub has been asking for bytes that have not come; nil while it holds off.
    private var readWantedSince: NIODeadline?
    /// Some request part was decoded in the read under way.
    private var decodedInThisRead = false
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var closing = false

    init(limits: ConnectionLimits, metrics: ConnectionMetrics, logger: Logger) {
        headerTimeout = .seconds(Int64(limits.headerTimeoutSeconds))
        idleTimeout = .seconds(Int64(limits.idleTimeoutSeconds))
        bodyTimeout = .seconds(Int64(limits.bodyTimeoutSeconds))
        self.metrics = metrics
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decodedInThisRead = true
        switch unwrapInboundIn(data) {
        case .head:
            headOwedSince = nil
            readingBody = true
            responsesOwed += 1
        case .body:
            break
        case .end:
            readingBody = false
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readWantedSince = nil
        // Bytes came but made no part: the start of a request head.
        if !readingBody, !decodedInThisRead, headOwedSince == nil { headOwedSince = .now() }
        decodedInThisRead = false
        context.fireChannelReadComplete()
        rearm(context)
    }

    func read(context: ChannelHandlerContext) {
        if readWantedSince == nil { readWantedSince = .now() }
        context.read()
        rearm(context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesOwed = max(0, responsesOwed - 1)
            if responsesOwed == 0 { idleSince = .now() }
        }
        context.write(data, promise: promise)
        rearm(context)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        headOwedSince = .now()
        rearm(context)
    }

    /// The deadline in force now and the reason it would close the connection, or nil.
    private func deadline() -> (at: NIODeadline, reason: ConnectionMetrics.Reason)? {
        if readingBody {
            guard let since = readWantedSince else { return nil }
            return (since + bodyTimeout, .bodyTimeout)
        }
        if responsesOwed > 0 { return nil }
        if let since = headOwedSince { return (since + headerTimeout, .headerTimeout) }
        return (idleSince + idleTimeout, .idleTimeout)
    }

    /// Makes sure a timer fires no later than the deadline in force; a timer that fires early
    /// looks again and waits on.
    private func rearm(_ context: ChannelHandlerContext) {
        guard started, !closing, let at = deadline()?.at else { return }
        if let timerDeadline, timerDeadline <= at { return }
        cancelTimer()
        timerDeadline = at
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in
            fire(context)
        }
    }

    private func fire(_ context: ChannelHandlerContext) {
        timer = nil
        timerDeadline = nil
        guard !closing, let next = deadline() else { return }
        guard next.at <= .now() else { return rearm(context) }
        closing = true
        metrics.closed(next.reason)
        logger.debug("closing a slow connection", metadata: [
            "reason": "\(next.reason.rawValue)", "address": "\(context.channel.remoteAddress?.ipAddress ?? "-")",
        ])
        context.close(promise: nil)
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}
