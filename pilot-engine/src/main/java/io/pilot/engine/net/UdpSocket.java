package io.pilot.engine.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.pilot.engine.session.EventLoopThreads;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A node's one UDP socket and the one event loop thread ({@code pilot-io}) that owns it, or one of the
 * {@link SharedEventLoops} the node was given: epoll where the platform has it, NIO elsewhere. Opened in two steps: {@link #register} gives a channel the session engine
 * can be built on, {@link #bind} puts that engine at the end of the pipeline and starts receiving.
 */
public final class UdpSocket {

    /** Receive buffer per read with epoll: room for 48 datagrams of the base size per recvmmsg, until {@link ReceiveSlots} grows it. */
    static final int RECEIVE_BATCH_BYTES = ReceiveSlots.BASE_SLOTS * WireFormat.MAX_FORWARD_DATAGRAM;

    /**
     * Receive buffer per read with UDP GRO: the largest datagram the kernel can hand over in one piece (a
     * coalesced one never exceeds 64 KiB). Smaller would truncate a coalesced read, losing its tail segments.
     */
    static final int COALESCED_RECEIVE_BYTES = 64 * 1024;

    /**
     * Receive buffer per read with NIO, which reads one datagram at a time: the largest a peer may send, and one
     * byte more, so that a longer datagram arrives cut to a length the decoder drops rather than passes on cut.
     */
    static final int SINGLE_RECEIVE_BYTES = ReceiveSlots.LARGE_SLOT;

    /**
     * Linux socket options that set the don't-fragment bit on every datagram and leave the size to the sender
     * ({@code IP_PMTUDISC_PROBE}: no fragmentation, no path MTU learnt from ICMP; only the interface MTU refuses a
     * datagram, with EMSGSIZE). Levels and names from {@code <linux/in.h>} and {@code <linux/in6.h>}.
     */
    private static final IntegerUnixChannelOption IP_MTU_DISCOVER = new IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10);
    private static final IntegerUnixChannelOption IPV6_MTU_DISCOVER = new IntegerUnixChannelOption("IPV6_MTU_DISCOVER", 41, 23);
    private static final int PMTUDISC_PROBE = 3;

    /** The socket's own loop thread, stopped with it; null when it is registered on {@link SharedEventLoops}. */
    private final EventLoopGroup ownGroup;
    private final Channel channel;
    private final boolean epoll;
    private final boolean receiveCoalescing;
    private final boolean dontFragment;

    private UdpSocket(EventLoopGroup ownGroup, Channel channel, boolean epoll, boolean receiveCoalescing,
            boolean dontFragment) {
        this.ownGroup = ownGroup;
        this.channel = channel;
        this.epoll = epoll;
        this.receiveCoalescing = receiveCoalescing;
        this.dontFragment = dontFragment;
    }

    /**
     * Starts the event loop thread and registers an unbound channel whose pipeline {@code initializer} lays out.
     * If registering fails, the thread is stopped again before the exception leaves.
     *
     * @param bufferBytes SO_RCVBUF and SO_SNDBUF (the kernel may cap them, see net.core.rmem_max)
     * @param receiveCoalescing whether to read with UDP GRO where the kernel has it ({@link #coalesceReceives});
     *        without it, or where it is refused, epoll reads with {@code recvmmsg}
     */
    public static UdpSocket register(int bufferBytes, boolean receiveCoalescing, ChannelHandler initializer)
            throws InterruptedException {
        return register(bufferBytes, receiveCoalescing, initializer, null);
    }

    /**
     * As {@link #register(int, boolean, ChannelHandler)}, on one of {@code shared}'s loops instead of a thread of
     * the socket's own when {@code shared} is not null.
     */
    public static UdpSocket register(int bufferBytes, boolean receiveCoalescing, ChannelHandler initializer,
            SharedEventLoops shared) throws InterruptedException {
        boolean epoll = shared != null ? shared.epoll() : Epoll.isAvailable();
        EventLoopGroup ownGroup = shared != null ? null : new MultiThreadIoEventLoopGroup(1,
                new EventLoopThreads("pilot-io"), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        EventLoopGroup group = shared != null ? shared.group() : ownGroup;
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, bufferBytes)
                .option(ChannelOption.SO_SNDBUF, bufferBytes)
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(epoll ? RECEIVE_BATCH_BYTES : SINGLE_RECEIVE_BYTES))
                .handler(initializer);
        if (epoll) {
            // recvmmsg: many datagrams per system call, each in its own MAX_FORWARD_DATAGRAM slice (the largest datagram) of the buffer.
            // Unless receive coalescing is asked for and switched on below.
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, WireFormat.MAX_FORWARD_DATAGRAM);
        }
        Channel channel;
        try {
            channel = bootstrap.register().sync().channel();
        } catch (Exception e) { // Netty rethrows a failed registration's cause as is, checked or not
            stop(ownGroup);
            throw e;
        }
        return new UdpSocket(ownGroup, channel, epoll, epoll && receiveCoalescing && coalesceReceives(channel),
                epoll && dontFragment(channel));
    }

    /**
     * Sets the don't-fragment bit on the socket's datagrams (IPv4, and IPv6 where the socket is one); false where
     * the kernel refuses it for IPv4, and then datagrams stay at the base size, which every path carries.
     */
    private static boolean dontFragment(Channel channel) {
        boolean v4 = setIfAccepted(channel, IP_MTU_DISCOVER, PMTUDISC_PROBE);
        setIfAccepted(channel, IPV6_MTU_DISCOVER, PMTUDISC_PROBE); // refused by an IPv4 socket, which needs none
        return v4;
    }

    private static boolean setIfAccepted(Channel channel, IntegerUnixChannelOption option, int value) {
        try {
            return channel.config().setOption(option, value);
        } catch (ChannelException refused) {
            return false;
        }
    }

    /**
     * Switches an epoll channel to UDP GRO: the kernel hands over a run of same-size datagrams from one sender
     * (as a GSO sender wrote them) as one buffer, with their segment size in a control message. Netty reads that
     * message only on its recvmsg path, which splits the buffer into the original datagrams; its recvmmsg path
     * drops it and would pass the run on as one oversized datagram. So GRO goes with recvmsg (a payload size of
     * 0 selects it) into a buffer that holds the largest coalesced read. Returns false, leaving recvmmsg as it
     * was, where the kernel refuses the option.
     */
    private static boolean coalesceReceives(Channel channel) {
        try {
            channel.config().setOption(EpollChannelOption.UDP_GRO, true);
        } catch (ChannelException unsupported) {
            return false;
        }
        channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0);
        channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(COALESCED_RECEIVE_BYTES));
        return true;
    }

    public Channel channel() {
        return channel;
    }

    public EventLoop loop() {
        return channel.eventLoop();
    }

    /** The TCP listening channel type that runs on this socket's event loop. */
    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The TCP connection channel type that runs on this socket's event loop. */
    Class<? extends Channel> streamChannelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll", "epoll with GRO" or "nio", for the log. */
    public String transportName() {
        return receiveCoalescing ? "epoll with GRO" : epoll ? "epoll" : "nio";
    }

    /** Whether the kernel may hand over runs of datagrams from one sender in one read (UDP GRO). */
    public boolean receiveCoalescing() {
        return receiveCoalescing;
    }

    /**
     * The largest datagram this socket may send: {@link WireFormat#MAX_LARGE_DATAGRAM} where it sets the
     * don't-fragment bit (each path's search then finds what that path carries), else the base size.
     */
    public int largestDatagram() {
        return dontFragment ? WireFormat.MAX_LARGE_DATAGRAM : WireFormat.MAX_DATAGRAM;
    }

    /** Whether the platform can send many full-size datagrams to one peer as one UDP GSO write. */
    public boolean supportsSegmentationOffload() {
        return epoll && SegmentedDatagramPacket.isSupported();
    }

    /** Hands inbound packets to {@code engine} from now on, then binds: no datagram arrives before the engine is there. */
    public void bind(InetSocketAddress address, SessionEngine engine) throws InterruptedException {
        channel.pipeline().addLast("sessions", new SessionInboundHandler(engine));
        channel.bind(address).sync();
    }

    /** The bound address (the actual port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Unbinds the socket; the event loop thread keeps running until {@link #shutdown}. */
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Stops the socket's own event loop thread (and with it the channel, if still open); on shared loops, closes
     * the channel and leaves the loops running for the other nodes.
     */
    public void shutdown() {
        if (ownGroup == null) {
            close();
        }
        stop(ownGroup);
    }

    private static void stop(EventLoopGroup group) {
        if (group == null) {
            return;
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
