package io.pilot.engine.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;

import io.pilot.engine.session.EventLoopThreads;

import java.util.concurrent.TimeUnit;

/**
 * A few event loop threads that many nodes of one process share, instead of one thread each: for a process that
 * hosts many nodes (a simulation, a test fleet, a gateway holding one identity per tenant). Each node's socket is
 * registered on one of these loops (round robin) and all its protocol state stays confined to that thread, as with
 * a loop of its own; nodes on one loop take turns on it. What is gained: when datagrams reach many of those nodes
 * at once, one thread wakes and serves them all in one pass instead of one thread waking per node, and the process
 * holds a few threads instead of one per node. What is given up: a node whose loop is busy with another node's
 * work waits for it, and the kernel shares the CPU per thread: on a machine busy with other work, a few shared
 * threads get a few threads' share where one thread per node got many, so the nodes on them fall behind
 * (handshakes and registrations time out) long before the same nodes on loops of their own would. Closing this
 * stops the threads; close the nodes on it first. Thread-safe.
 */
public final class SharedEventLoops implements AutoCloseable {

    private final EventLoopGroup group;
    private final boolean epoll;
    private final int threads;

    private SharedEventLoops(int threads) {
        this.threads = threads;
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new EventLoopThreads("pilot-io-shared"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * @param threads how many event loop threads the nodes share, at least 1 (the cores the nodes may use is a
     *                good choice: more threads than cores only add wake-ups)
     */
    public static SharedEventLoops create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return new SharedEventLoops(threads);
    }

    public int threads() {
        return threads;
    }

    /** The loops, for a node's socket to register on. */
    EventLoopGroup group() {
        return group;
    }

    /** Whether the loops are epoll loops (else NIO): a socket registered on them must be of the same kind. */
    boolean epoll() {
        return epoll;
    }

    /** Stops the threads, waiting up to 5 s; nodes still registered on them stop working. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
