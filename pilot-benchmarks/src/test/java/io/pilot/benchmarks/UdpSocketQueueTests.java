package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The kernel's own figures for one port, read from /proc/net/udp as the sessions benchmark reads them. */
class UdpSocketQueueTests {

    @Test
    void aSocketNobodyReadsShowsItsQueueAndThenItsDrops() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux only");
        try (DatagramChannel idle = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            idle.setOption(StandardSocketOptions.SO_RCVBUF, 1); // the kernel's minimum: a few datagrams
            idle.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) idle.getLocalAddress()).getPort();
            assertThat(UdpSocketQueue.ofPort(port)).isEqualTo(new UdpSocketQueue(0, 0));

            sender.send(ByteBuffer.allocate(100), idle.getLocalAddress());
            UdpSocketQueue one = UdpSocketQueue.ofPort(port);
            assertThat(one.receiveQueue()).as("one datagram waits").isPositive();
            assertThat(one.drops()).isZero();

            for (int i = 0; i < 200; i++) {
                sender.send(ByteBuffer.allocate(100), idle.getLocalAddress());
            }
            UdpSocketQueue full = UdpSocketQueue.ofPort(port);
            assertThat(full.drops()).as("the buffer holds a few of 201").isGreaterThan(100);
            assertThat(full.receiveQueue()).isGreaterThanOrEqualTo(one.receiveQueue());
            // The sender's own port is another line of the same file, and not counted.
            int senderPort = ((InetSocketAddress) sender.getLocalAddress()).getPort();
            assertThat(UdpSocketQueue.ofPort(senderPort)).isEqualTo(new UdpSocketQueue(0, 0));
        }
    }
}
