package io.pilot.engine.backbone;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Takes a streamed reply's first item and asks for nothing more: a caller that stopped reading. */
final class FirstItem implements Flow.Subscriber<Message> {

    /** Completes with the subscription once the first item (or the end) came, to cancel or to hold. */
    final CompletableFuture<Flow.Subscription> arrived = new CompletableFuture<>();
    /** Completes with what ended the reply with an error, if one did, after the first item or before it. */
    final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private Flow.Subscription subscription;
    volatile byte[] body;

    /** The body of the first item of {@code request}'s streamed reply from {@code target}; the stream is then cancelled. */
    static byte[] of(PilotNode from, PilotSocketAddress target, byte[] request) {
        FirstItem first = new FirstItem();
        from.requestStream(target, Message.of(request), Duration.ofSeconds(5), 1).subscribe(first);
        first.arrived.join().cancel();
        return first.body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(Message item) {
        body = item.body();
        arrived.complete(subscription);
    }

    @Override
    public void onError(Throwable failure) {
        arrived.completeExceptionally(failure);
        failed.complete(failure);
    }

    @Override
    public void onComplete() {
        arrived.complete(subscription);
    }
}
