package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;

import org.junit.jupiter.api.Timeout;

/**
 * Any datagram anyone on the network sends to a node's UDP port: {@link WireCodec#decode} answers with a
 * packet or a drop reason and never throws; what it hands on holds no more than the datagram.
 */
@Timeout(10)
class WireDatagramFuzzTests {

    @FuzzTest
    void datagram(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        WireCodec.Result result = WireCodec.decode(in);
        try {
            assertThat(result.packet() == null).isNotEqualTo(result.drop() == null);
            if (result.packet() instanceof RelayPacket relay) {
                assertThat(relay.inner().readableBytes()).isLessThan(bytes.length);
                relay.nestingProblem();
                relay.address();
            }
        } finally {
            if (result.packet() != null) {
                ReferenceCountUtil.release(result.packet());
            }
            in.release();
        }
        // Every retained slice handed on was released with the packet (the empty buffer is never freed).
        assertThat(in.refCnt()).isEqualTo(bytes.length == 0 ? 1 : 0);
    }
}
