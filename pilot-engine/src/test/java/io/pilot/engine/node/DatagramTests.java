package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DatagramTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    record Received(PilotAddress from, int port, String data) {
    }

    @Test
    void datagramsArriveWithTheirOriginAndOversizedOnesAreRefused() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        b.onDatagram(70, (from, port, data) -> received.add(new Received(from, port, new String(data))));
        a.connect(b.publicKey(), b.localEndpoint()).join();

        assertThat(a.sendDatagram(new PilotSocketAddress(b.address(), 70), "telemetry 1".getBytes()).join()).isTrue();
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(a.address(), 70, "telemetry 1"));

        assertThat(a.sendDatagram(new PilotSocketAddress(b.address(), 70), new byte[1300]).join()).isFalse();
        assertThat(a.sendDatagram(new PilotSocketAddress(b.address(), 71), "nobody".getBytes()).join()).isTrue();
        assertThat(a.sendDatagram(new PilotSocketAddress(b.address(), 70), "telemetry 2".getBytes()).join()).isTrue();
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(a.address(), 70, "telemetry 2"));
        assertThat(received).isEmpty();
    }
}
