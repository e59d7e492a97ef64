package io.pilot.engine.directory;

import io.pilot.engine.message.Message;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reads a paged reply (docs/PROTOCOL.md §7.1): the bodies of a streamed reply's items, put end to end, are one reply,
 * which {@link #whole} completes with once the stream ends. A backbone that pages nothing sends it as one item. At
 * most {@code limit} bytes are taken: a reply that would grow past it cancels the stream and fails with
 * {@link DirectoryError#BAD_REQUEST}, as a reply that does not decode, so that no backbone can make this node hold
 * more than it allowed.
 */
final class ReplyPages implements Flow.Subscriber<Message> {

    private final long limit;
    private final CompletableFuture<byte[]> whole = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] bytes = new byte[0];
    private int size;

    ReplyPages(long limit) {
        this.limit = limit;
    }

    /** The reply, once the last page arrived; failed as the stream failed, or when the reply grew past the limit. */
    CompletableFuture<byte[]> whole() {
        return whole;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE); // the stream's own window paces the pages
    }

    @Override
    public void onNext(Message page) {
        if (whole.isDone()) {
            return;
        }
        byte[] body = page.body();
        if (size + (long) body.length > limit) {
            subscription.cancel();
            whole.completeExceptionally(new DirectoryException(DirectoryError.BAD_REQUEST, "the backbone's reply "
                    + "grew past this node's limit of " + limit + " bytes (DirectoryClient.Builder.maxReplySize)"));
            return;
        }
        if (size + body.length > bytes.length) {
            // Doubling keeps the copies linear in the reply's size; never past the limit, which fits an array.
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + (long) body.length, 2L * bytes.length)));
        }
        System.arraycopy(body, 0, bytes, size, body.length);
        size += body.length;
    }

    @Override
    public void onError(Throwable failure) {
        whole.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        whole.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
    }
}
