package io.pilot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What callers see of the node's event loop before start, while running and after close. */
class NodeLoopTests {

    private final EventLoop eventLoop = new DefaultEventLoop();
    private final NodeLoop loop = new NodeLoop();

    @AfterEach
    void stop() {
        eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void beforeStartTasksAreRefusedAndTheCallerIsToldWhy() {
        ReplyFuture<Void> result = future();
        loop.execute(result, () -> result.deliver(null));
        assertUnreachable(result, "node is not started");
        assertThatThrownBy(() -> loop.call(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("node is not started");
        assertThat(loop.isStarted()).isFalse();
    }

    @Test
    void whileRunningTasksRunOnTheLoop() {
        loop.open(eventLoop);
        ReplyFuture<Boolean> result = future();
        loop.execute(result, () -> result.deliver(eventLoop.inEventLoop()));
        assertThat(result.join()).isTrue();
        boolean onLoop = loop.call(eventLoop::inEventLoop);
        assertThat(onLoop).isTrue();
    }

    @Test
    void aFailingCallThrowsItsCause() {
        loop.open(eventLoop);
        assertThatThrownBy(() -> loop.call(() -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterCloseTasksAreRefusedEvenWhileTheLoopStillRuns() {
        loop.open(eventLoop);
        loop.close();
        ReplyFuture<Void> result = future();
        loop.execute(result, () -> result.deliver(null));
        assertUnreachable(result, "node is closed");
        assertThat(loop.isStarted()).isTrue();
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void aLoopThatStoppedRefusesTasksAsClosed() {
        loop.open(eventLoop);
        eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        ReplyFuture<Void> result = future();
        loop.execute(result, () -> result.deliver(null));
        assertUnreachable(result, "node is closed");
    }

    /** Completed on the delivering thread when nobody waits: these tests are about the loop, not the future. */
    private static <T> ReplyFuture<T> future() {
        return new ReplyFuture<>(Runnable::run);
    }

    private static void assertUnreachable(ReplyFuture<?> result, String message) {
        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join).cause().isInstanceOfSatisfying(PilotException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
