import NIOCore

/// The channel handler: turns inbound bytes into replies (with `SMTPReplyParser`) and hands
/// them, one per request, to `SMTPConnection`.
///
/// Lives on the event loop; the connection reaches it only through `eventLoop.flatSubmit`.
/// Every wait has its own timeout, after which the connection is closed, because a reply
/// arriving late would be taken as the answer to the next command.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiter: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)?
    private var failure: (any Error)?
    private var context: ChannelHandlerContext?

    /// Replies or partial replies that arrived without being asked for. Checked before the
    /// TLS upgrade: anything received in clear text then could be injected by an attacker
    /// and later be mistaken for a reply sent over TLS.
    var hasUnconsumedInput: Bool { !replies.isEmpty || parser.hasPartialInput }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(SMTPConnectionClosedError())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            replies.append(contentsOf: try parser.feed(buffer.readableBytesView))
            // We never pipeline, so more than a few unrequested replies means a misbehaving
            // server; stop before it makes us buffer without limit.
            if replies.count > 16 {
                throw SMTPProtocolError(description: "the server sent more replies than commands")
            }
            deliver()
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPConnectionClosedError())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    /// Writes `command` (if given) and returns the next reply, failing after `timeout`.
    func exchange(_ command: ByteBuffer?, timeout: TimeAmount, step: String, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        guard let context else {
            return eventLoop.makeFailedFuture(failure ?? SMTPConnectionClosedError())
        }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard waiter == nil else {
            return eventLoop.makeFailedFuture(SMTPProtocolError(description: "internal error: overlapping SMTP commands"))
        }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let boundSelf = NIOLoopBound(self, eventLoop: eventLoop)
        let timeoutTask = eventLoop.scheduleTask(in: timeout) {
            let handler = boundSelf.value
            handler.fail(SMTPTimeoutError(description: "timed out after \(SMTPErrorText.seconds(timeout)) waiting for \(step)"))
            handler.context?.close(promise: nil)
        }
        waiter = (promise, timeoutTask)
        if let command {
            context.writeAndFlush(wrapOutboundOut(command)).whenFailure { error in
                boundSelf.value.fail(error)
            }
        }
        deliver()
        return promise.futureResult
    }

    private func deliver() {
        guard let waiter, let reply = replies.popFirst() else { return }
        self.waiter = nil
        waiter.timeout.cancel()
        waiter.promise.succeed(reply)
    }

    /// The first error wins: it is the cause, later ones (like the close it triggers) are symptoms.
    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        guard let waiter else { return }
        self.waiter = nil
        waiter.timeout.cancel()
        waiter.promise.fail(failure ?? error)
    }
}
