package io.pilot.engine.message;

import io.pilot.engine.session.Peer;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.StreamHandler;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of one streamed reply. The handler's {@link MessageHandler#handleStream} runs on the handler
 * executor and its publisher is subscribed; the publisher is asked for items ({@code request(n)}) only as the
 * caller grants credit, so a slow caller slows the producer and this side never holds more than the outstanding
 * credit in items. Items, the end and errors come from the producer on any thread and are written on the event
 * loop; calls to the producer's subscription are made one at a time on the handler executor, never on the loop.
 * The stream counts against its port's {@link ServingLimits} from the request until the END or ERROR is written,
 * or the caller resets the stream (which cancels the producer), or the connection closes.
 *
 * <p>The request's {@code deadline} header bounds the whole stream: when it passes before the producer ended, the
 * caller gets ERROR {@link ErrorCode#DEADLINE_EXCEEDED} after the items already sent, and the producer is cancelled.
 * The handler's {@link Cancellation} fires whenever this side stops the producer before it ended by itself: with
 * {@link ErrorCode#DEADLINE_EXCEEDED} for the deadline, {@link ErrorCode#CANCELLED} for anything else (the caller
 * reset the stream, the connection closed, the caller broke the protocol, an item was too large).
 */
final class ServerStreamExchange implements StreamHandler, StreamedReplies.PeerStream {

    private static final Logger log = LoggerFactory.getLogger(ServerStreamExchange.class);

    private final StreamedReplies replies;
    private final Peer peer;
    private final Stream stream;
    private final SerialExecutor producerCalls;
    private final MessageFrameDecoder decoder;
    /** Credit the caller granted that no item has used yet. */
    private long outstanding;
    /** Credit not yet passed to the producer because its subscription has not arrived. */
    private long unrequested;
    private Flow.Subscription subscription;
    /** The handler's view of whether its work is still wanted; null until the request is admitted. */
    private Cancellation cancellation;
    private ScheduledFuture<?> deadlineTimer;
    private boolean serving;
    /** The producer ended by itself (END or its own error): nothing to cancel. */
    private boolean producerEnded;
    private boolean done;

    ServerStreamExchange(StreamedReplies replies, Peer peer, Stream stream) {
        this.replies = replies;
        this.peer = peer;
        this.stream = stream;
        this.producerCalls = new SerialExecutor(replies.handlerExecutor());
        // The caller sends only CREDIT frames, whose body is empty: nothing is buffered for a body.
        this.decoder = new MessageFrameDecoder(0);
    }

    void start(Message request) {
        int credit;
        long deadlineMillis;
        try {
            credit = StreamCredit.parse(request, 0);
            deadlineMillis = DeadlineHeader.admit(request, replies.localAddress());
        } catch (FrameException e) {
            end(MessageFrame.error(e.code(), e.getMessage()));
            return;
        }
        int port = stream.port();
        MessageHandler handler = replies.listener(port);
        if (handler == null) {
            end(MessageFrame.error(ErrorCode.NO_LISTENER, "nothing serves streamed replies on port " + port + " of "
                    + replies.localAddress()));
            return;
        }
        if (!replies.servingLimits().tryEnter(port)) {
            end(MessageFrame.error(ErrorCode.OVERLOADED, replies.localAddress() + " is serving its limit of "
                    + replies.servingLimits().limit(port) + " requests on port " + port));
            return;
        }
        serving = true;
        replies.register(peer, this);
        outstanding = credit;
        unrequested = credit;
        cancellation = Cancellation.forDeadline(deadlineMillis, replies.callbacks());
        IncomingMessage incoming = new IncomingMessage(peer.address(), peer.key(), port, request, true, cancellation);
        try {
            replies.handlerExecutor().execute(() -> subscribe(handler, incoming));
        } catch (RejectedExecutionException e) {
            producerEnded = true; // it never started: no work to cancel
            end(MessageFrame.error(ErrorCode.OVERLOADED, replies.localAddress()
                    + " has no capacity for more requests now"));
            return;
        }
        if (deadlineMillis != DeadlineHeader.ABSENT) {
            deadlineTimer = replies.loop().schedule(() -> deadlinePassed(deadlineMillis), deadlineMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The caller's deadline passed before the stream ended: the items sent stay sent, the ERROR follows them, the
     * producer is cancelled and the handler told why.
     */
    private void deadlinePassed(long millis) {
        deadlineTimer = null;
        if (done) {
            return;
        }
        cancellation.cancel(ErrorCode.DEADLINE_EXCEEDED);
        end(MessageFrame.error(ErrorCode.DEADLINE_EXCEEDED, replies.localAddress() + " did not end the stream within "
                + "the caller's deadline of " + millis + " ms; the producer was cancelled"));
    }

    /** On the handler executor. */
    private void subscribe(MessageHandler handler, IncomingMessage incoming) {
        Flow.Publisher<Message> items;
        try {
            items = handler.handleStream(incoming);
        } catch (Exception | Error e) {
            onLoop(() -> producerFailed(e));
            return;
        }
        if (items == null) {
            onLoop(() -> producerFailed(new NullPointerException("handleStream returned no publisher")));
            return;
        }
        items.subscribe(new Producer());
    }

    /** The producer's signals, from any thread, each moved to the loop. */
    private final class Producer implements Flow.Subscriber<Message> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            onLoop(() -> subscribed(s));
        }

        @Override
        public void onNext(Message item) {
            onLoop(() -> item(item));
        }

        @Override
        public void onError(Throwable failure) {
            onLoop(() -> producerFailed(failure));
        }

        @Override
        public void onComplete() {
            onLoop(() -> {
                if (!done) {
                    producerEnded = true;
                }
                end(new MessageFrame(FrameKind.END, Message.empty()));
            });
        }
    }

    private void onLoop(Runnable task) {
        try {
            replies.loop().execute(task);
        } catch (RejectedExecutionException nodeClosed) {
            // The node is closing: its connections, and this stream, go with it.
        }
    }

    // ------------------------------------------------------------------ event loop

    private void subscribed(Flow.Subscription s) {
        if (done || subscription != null) {
            // Flow §2.5: a second subscription, or one for a stream already over, is cancelled.
            callProducer(s::cancel);
            return;
        }
        subscription = s;
        if (unrequested > 0) {
            long n = unrequested;
            unrequested = 0;
            callProducer(() -> s.request(n));
        }
    }

    private void item(Message item) {
        if (done) {
            return; // cancelled meanwhile; the producer was told
        }
        if (outstanding == 0) {
            failed(new IllegalStateException("the publisher sent more items than it was asked for"));
            return;
        }
        if (item == null) {
            failed(new NullPointerException("the publisher sent a null item"));
            return;
        }
        if (item.body().length > replies.maxMessageSize()) {
            end(MessageFrame.error(ErrorCode.TOO_LARGE, "item of " + item.body().length
                    + " bytes exceeds the limit of " + replies.maxMessageSize() + " bytes"));
            return;
        }
        outstanding--;
        try {
            FrameWriter.write(stream, new MessageFrame(FrameKind.ITEM, item));
            replies.flushSoon(peer);
        } catch (IllegalStateException streamGone) {
            stopped();
        }
    }

    /** The producer (or {@code handleStream}) failed by itself: its work is over, nothing to cancel. */
    private void producerFailed(Throwable failure) {
        if (!done) {
            producerEnded = true;
        }
        failed(failure);
    }

    private void failed(Throwable failure) {
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof PilotException pilot) {
            end(pilot.reply() == null ? MessageFrame.error(pilot.code(), pilot.getMessage())
                    : MessageFrame.error(pilot.code(), pilot.reply()));
            return;
        }
        // What failed is the server's business: the caller hears INTERNAL, the server's log has the exception.
        log.warn("streamed reply on port {} to {} failed", stream.port(), peer.address(), failure);
        end(MessageFrame.error(ErrorCode.INTERNAL, "internal error"));
    }

    @Override
    public void onData(Stream s, ByteBuffer data) {
        try {
            while (!done) {
                MessageFrame frame = decoder.next(data);
                if (frame == null) {
                    return;
                }
                if (frame.kind() != FrameKind.CREDIT) {
                    throw new FrameException(ErrorCode.PROTOCOL, "expected CREDIT on a streamed reply's stream, got "
                            + frame.kind());
                }
                credit(StreamCredit.parse(frame.message(), 1));
            }
        } catch (FrameException e) {
            end(MessageFrame.error(e.code(), e.getMessage()));
        }
    }

    private void credit(int more) throws FrameException {
        if (outstanding + more > StreamCredit.MAX_OUTSTANDING) {
            throw new FrameException(ErrorCode.PROTOCOL, "credit of " + more + " more items would make "
                    + (outstanding + more) + " outstanding, over " + StreamCredit.MAX_OUTSTANDING);
        }
        outstanding += more;
        if (subscription == null) {
            unrequested += more;
        } else {
            Flow.Subscription s = subscription;
            callProducer(() -> s.request(more));
        }
    }

    @Override
    public void onFinished(Stream s) {
        // The caller will grant no more credit; the producer may still use what it has.
        if (!decoder.isBetweenFrames()) {
            end(MessageFrame.error(ErrorCode.PROTOCOL, "stream ended inside a frame"));
        }
    }

    @Override
    public void onReset(Stream s, int errorCode) {
        // The caller cancelled (or gave up): so does the producer.
        stopped();
    }

    @Override
    public void connectionLost(String reason) {
        stopped();
    }

    /** Writes the last frame and FIN, and stops the producer if it is still going. */
    private void end(MessageFrame last) {
        if (done) {
            return;
        }
        try {
            FrameWriter.write(stream, last);
            stream.finish();
            replies.flush(peer);
        } catch (IllegalStateException streamGone) {
            // The caller reset the stream or the connection closed meanwhile: nobody is left to tell.
        }
        stopped();
    }

    /**
     * Nothing more goes out on this stream: release its place, and unless the producer ended by itself, cancel it
     * and tell the handler (CANCELLED, unless the deadline already told it DEADLINE_EXCEEDED).
     */
    private void stopped() {
        if (done) {
            return;
        }
        done = true;
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
            deadlineTimer = null;
        }
        if (cancellation != null && !producerEnded) {
            cancellation.cancel(ErrorCode.CANCELLED);
        }
        if (serving) {
            replies.servingLimits().exit(stream.port());
            replies.unregister(peer, this);
        }
        if (subscription != null) {
            callProducer(subscription::cancel);
        }
    }

    /** A call on the producer's subscription: may run producer code, so never on the loop, and one at a time. */
    private void callProducer(Runnable call) {
        try {
            producerCalls.execute(call);
        } catch (RejectedExecutionException e) {
            if (!done) {
                end(MessageFrame.error(ErrorCode.OVERLOADED, replies.localAddress()
                        + " has no capacity for more requests now"));
            }
        }
    }
}
