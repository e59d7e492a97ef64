package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A connection that opens many times more streams than it has ids (PROTOCOL.md §5.3: ids wrap around), over a lossy,
 * reordering path: every request is answered on its own stream, a stream opened before the first wrap stays usable
 * after many, and no frame of a freed stream is taken for a new one. The id space is shrunk to 64 ids a side so that
 * 400 requests wrap it six times; the wire's is 2^30. A frame may arrive up to half the id space late (here 32
 * streams: six waves, far more than this path's retransmissions take; on the wire 2^29 streams).
 */
class StreamIdWrapTests {

    private static final long SECOND = 1_000_000_000L;
    private static final int ID_INDEXES = 64;
    private static final int REQUESTS = 400;
    private static final int IN_FLIGHT = 5;

    /** Echoes every request stream it is given: the bytes it received, back on the same stream, then FIN. */
    private static final class Echo implements ConnectionHandler, StreamHandler {
        final Map<Stream, ByteBuffer> requests = new IdentityHashMap<>();
        final List<Stream> opened = new ArrayList<>();
        CloseReason closed;

        @Override
        public void onStreamOpened(Stream stream) {
            opened.add(stream);
            requests.put(stream, ByteBuffer.allocate(4096));
            stream.setHandler(this);
        }

        @Override
        public void onData(Stream stream, ByteBuffer data) {
            requests.get(stream).put(data);
        }

        @Override
        public void onFinished(Stream stream) {
            ByteBuffer request = requests.remove(stream).flip();
            stream.write(request);
            stream.finish();
        }

        @Override
        public void onClosed(CloseReason reason) {
            closed = reason;
        }
    }

    /** What the caller got back on each of its streams. */
    private static final class Caller implements ConnectionHandler, StreamHandler {
        final Map<Stream, ByteBuffer> replies = new IdentityHashMap<>();
        final Set<Stream> finished = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        CloseReason closed;

        @Override
        public void onStreamOpened(Stream stream) {
            throw new AssertionError("the echo opens no streams");
        }

        @Override
        public void onData(Stream stream, ByteBuffer data) {
            replies.computeIfAbsent(stream, s -> ByteBuffer.allocate(4096)).put(data);
        }

        @Override
        public void onFinished(Stream stream) {
            finished.add(stream);
        }

        @Override
        public void onClosed(CloseReason reason) {
            closed = reason;
        }
    }

    private static byte[] request(int n) {
        byte[] body = new byte[100 + n % 900];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (n * 31 + i);
        }
        return body;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void streamIdsWrapAroundManyTimesAndEveryRequestIsAnsweredOnItsOwnStream(long seed) {
        Simulator sim = new Simulator(seed);
        Caller caller = new Caller();
        Echo echo = new Echo();
        TransportConfig config = TransportConfig.builder().streamIdIndexes(ID_INDEXES).build();
        sim.connect(config, caller, echo);
        sim.linkBoth(l -> {
            l.delayNanos = 5_000_000;
            l.loss = 0.05;
            l.duplication = 0.02;
            l.reorderJitterNanos = 3_000_000;
        });

        // Opened before the first wrap and kept open across all of them; its id is skipped while it lives.
        Stream longLived = sim.a.openStream(7);
        longLived.setHandler(caller);
        longLived.write(ByteBuffer.wrap(request(-1)));

        Map<Stream, byte[]> sent = new IdentityHashMap<>();
        Set<Integer> ids = new HashSet<>();
        requests(sim, caller, 0, REQUESTS, sent, ids, longLived.id());

        assertThat(ids).as("ids were reused: the wrap happened").hasSizeLessThanOrEqualTo(ID_INDEXES);
        assertThat(caller.closed).isNull();
        assertThat(echo.closed).isNull();

        // The long-lived stream still works after the wraps: finish it, and its echo comes back.
        longLived.finish();
        sim.runUntil(() -> caller.finished.contains(longLived), 60 * SECOND, 1_000_000);
        ByteBuffer reply = caller.replies.get(longLived).flip();
        byte[] got = new byte[reply.remaining()];
        reply.get(got);
        assertThat(got).isEqualTo(request(-1));
        // Freed after living through six wraps, its id rests: the next requests go on without it and without
        // a late frame of it taken for a new stream.
        requests(sim, caller, REQUESTS, 100, sent, ids, longLived.id());
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 30 * SECOND,
                1_000_000);
        assertThat(caller.closed).isNull();
        assertThat(echo.closed).isNull();
        assertThat(echo.opened).as("one stream at the echo per request, none opened twice by a late frame")
                .hasSize(REQUESTS + 100 + 1);
        for (Map.Entry<Stream, byte[]> request : sent.entrySet()) {
            ByteBuffer answer = caller.replies.get(request.getKey()).flip();
            byte[] bytes = new byte[answer.remaining()];
            answer.get(bytes);
            assertThat(bytes).as("reply on stream %d", request.getKey().id()).isEqualTo(request.getValue());
        }
    }

    /** Sends {@code count} requests in waves of {@link #IN_FLIGHT}, each wave answered before the next. */
    private static void requests(Simulator sim, Caller caller, int first, int count, Map<Stream, byte[]> sent,
            Set<Integer> ids, int avoided) {
        int opened = first;
        while (opened < first + count) {
            List<Stream> wave = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT && opened < first + count; i++, opened++) {
                Stream s = sim.a.openStream(80);
                s.setHandler(caller);
                byte[] body = request(opened);
                s.write(ByteBuffer.wrap(body));
                s.finish();
                sent.put(s, body);
                wave.add(s);
                assertThat(s.id()).as("never the long-lived stream's id").isNotEqualTo(avoided);
                ids.add(s.id());
            }
            sim.runUntil(() -> caller.finished.containsAll(wave), 60 * SECOND, 1_000_000);
        }
    }
}
