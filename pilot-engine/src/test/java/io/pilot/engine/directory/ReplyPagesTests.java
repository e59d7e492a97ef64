package io.pilot.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.Message;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class ReplyPagesTests {

    @Test
    void pagesAreOneReplyOnceTheStreamEnds() {
        ReplyPages pages = new ReplyPages(1_000);
        pages.onSubscribe(new Recording());
        pages.onNext(Message.of(new byte[] {0, 1}));
        pages.onNext(Message.of(new byte[] {}));
        pages.onNext(Message.of(new byte[] {2, 3, 4}));
        assertThat(pages.whole()).isNotDone();
        pages.onComplete();
        assertThat(pages.whole().join()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aReplyPastTheLimitCancelsTheStreamAndFailsWithoutHoldingMore() {
        ReplyPages pages = new ReplyPages(10);
        Recording subscription = new Recording();
        pages.onSubscribe(subscription);
        pages.onNext(Message.of(new byte[6]));
        pages.onNext(Message.of(new byte[4]));
        assertThat(subscription.cancelled).isFalse();
        pages.onNext(Message.of(new byte[1]));
        assertThat(subscription.cancelled).isTrue();
        pages.onNext(Message.of(new byte[100]));
        pages.onComplete();
        assertThatThrownBy(() -> pages.whole().join()).cause().isInstanceOfSatisfying(DirectoryException.class,
                e -> assertThat(e.error()).isEqualTo(DirectoryError.BAD_REQUEST));
    }

    @Test
    void aFailedStreamFailsTheReply() {
        ReplyPages pages = new ReplyPages(10);
        pages.onSubscribe(new Recording());
        pages.onNext(Message.of(new byte[3]));
        pages.onError(new IllegalStateException("connection lost"));
        assertThatThrownBy(() -> pages.whole().join()).hasRootCauseMessage("connection lost");
    }

    private static final class Recording implements Flow.Subscription {
        boolean cancelled;
        final AtomicBoolean requested = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.set(true);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
