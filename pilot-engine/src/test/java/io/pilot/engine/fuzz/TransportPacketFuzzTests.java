package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.transport.CloseReason;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.transport.TransportError;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Timeout;

/**
 * Decrypted DATA payloads as an authenticated peer may send them: packet number and transport frames
 * ({@code FrameCodec}). The input is a run of packets, each {@code length u16 | payload}, fed to one
 * {@link Connection} with polls in between, as the session layer does. The connection must never throw,
 * and must never close itself with {@link TransportError#INTERNAL_ERROR} (that is what it does when
 * applying a frame throws: a bug, not a refusal); a CLOSE from the peer may carry any code.
 */
@Timeout(10)
class TransportPacketFuzzTests {

    private static final TransportConfig CONFIG = TransportConfig.defaults();
    private static final long MILLISECOND = 1_000_000L;

    @FuzzTest
    void packets(byte[] bytes) {
        ConnectionHandler handler = new ConnectionHandler() {
            @Override
            public void onStreamOpened(Stream stream) {
                stream.setHandler((s, data) -> data.position(data.limit()));
            }
        };
        long now = 1_000 * MILLISECOND;
        Connection connection = new Connection(CONFIG, false, handler, now);
        ByteBuffer out = ByteBuffer.allocate(CONFIG.maxPacketPayload());
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 2) {
            int length = Math.min(in.getShort() & 0xFFFF, in.remaining());
            ByteBuffer payload = in.slice(in.position(), length);
            in.position(in.position() + length);
            now += MILLISECOND;
            connection.receive(payload, now);
            drain(connection, now, out);
        }
        connection.onTimeout(now + 10_000 * MILLISECOND);
        drain(connection, now + 10_000 * MILLISECOND, out);
        CloseReason reason = connection.closeReason();
        // A peer may close with any code it likes, INTERNAL_ERROR included: only this side's own close counts.
        if (reason != null && !reason.remote()) {
            assertThat(reason.code()).as("closed with %s", reason).isNotEqualTo(TransportError.INTERNAL_ERROR);
        }
    }

    /** Takes what the connection wants to send, as a flush would; bounded, since pacing may allow much. */
    private static void drain(Connection connection, long now, ByteBuffer out) {
        for (int i = 0; i < 64; i++) {
            out.clear();
            if (connection.poll(now, out) == 0) {
                return;
            }
        }
    }
}
