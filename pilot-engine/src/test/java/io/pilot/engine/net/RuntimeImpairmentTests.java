package io.pilot.engine.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Loss put on and taken off a running pipeline ({@link NodeChannelInitializer#impair}), as a demo does to a live agent. */
class RuntimeImpairmentTests {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9);

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void lossSetAtRunTimeDropsDatagramsAndNoneRestoresAPerfectLink() {
        assertThat(passed(200)).isEqualTo(200);

        NodeChannelInitializer.impair(channel.pipeline(), Impairment.loss(0.5, 7));
        int throughLossyLink = passed(200);
        assertThat(throughLossyLink).isBetween(60, 140);
        assertThat(channel.pipeline().first()).isInstanceOf(ImpairmentHandler.class);

        NodeChannelInitializer.impair(channel.pipeline(), Impairment.loss(0.9, 7));
        assertThat(passed(200)).isLessThan(throughLossyLink);
        assertThat(channel.pipeline().names().stream().filter("impairment"::equals)).hasSize(1);

        NodeChannelInitializer.impair(channel.pipeline(), Impairment.NONE);
        assertThat(passed(200)).isEqualTo(200);
        assertThat(channel.pipeline().get("impairment")).isNull();
    }

    /** How many of {@code count} inbound datagrams reach the end of the pipeline. */
    private int passed(int count) {
        for (int i = 0; i < count; i++) {
            channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {(byte) i}), PEER, PEER));
        }
        int passed = 0;
        for (Object in; (in = channel.readInbound()) != null; passed++) {
            ((DatagramPacket) in).release();
        }
        return passed;
    }
}
