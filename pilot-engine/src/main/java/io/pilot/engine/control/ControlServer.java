package io.pilot.engine.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.atomic.LongAdder;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's control socket: a Unix domain socket only its user can use, on which {@code pilotctl} sends one
 * request per connection (see {@code docs/CONTROL.md}).
 *
 * <p>Access control is the file system's first: the socket is made mode 0600 right after it is bound, and its
 * directory, when this server creates it, mode 0700, so that in the moment between bind and chmod nobody
 * else can reach the socket either. Put sockets in such a private directory ({@link ControlPaths}). A directory
 * that exists already must be owned by this user and writable by nobody else (or another user could swap the
 * socket for its own): otherwise the server refuses to start. Then each connection's peer credentials
 * ({@code SO_PEERCRED}) must name this user, or the client is told {@link ControlError#FORBIDDEN}.
 *
 * <p>One thread accepts; one thread reads every connection's request line ({@link RequestReader}: at most
 * {@link #MAX_PENDING_CONNECTIONS} at once, each within the read timeout), so a client that connects and sends
 * nothing holds no worker; a fixed pool of four daemon threads runs the short commands, with a short queue; a
 * request beyond that is told {@link ControlError#BUSY} at once. Commands that run long ({@code listen}, {@code ping},
 * {@code bench}: {@link ControlCommand#longRunning}) run on a pool of their own, at most
 * {@link #MAX_LONG_RUNNING} at once and without a queue; one more is told {@link ControlError#TOO_MANY_RUNNING} at
 * once, so that no client, however many streams it opens, keeps the short commands from a worker. The limit is
 * for all clients together: each connection carries one request, and every client that gets this far runs as the
 * node's own user, so there is no finer "peer" to count by (SO_PEERCRED names a user, and the JDK gives no pid).
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** Longest request line, in bytes, without its newline. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** How long a client has to send its request line, by default. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** Connections whose request line is still being read, at most; the oldest is dropped for a new one. */
    public static final int MAX_PENDING_CONNECTIONS = 64;

    /** Long-running commands ({@code listen}, {@code ping}, {@code bench}) at once, for all clients together. */
    public static final int MAX_LONG_RUNNING = 8;

    private static final int WORKERS = 4;
    private static final int QUEUED = 16;
    private static final long IDLE_THREAD_SECONDS = 30;

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final ControlCommands commands;
    private final RequestReader reader;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor longRunning;
    private final LongAdder refusedLongRunning = new LongAdder();
    private final Thread acceptor;
    private final Thread readerThread;
    private final UserPrincipal owner;
    private final LongAdder refusedPeers = new LongAdder();
    private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ControlServer(Path socketPath, ServerSocketChannel server, ControlCommands commands, Duration readTimeout,
            UserPrincipal owner) throws IOException {
        this.socketPath = socketPath;
        this.server = server;
        this.commands = commands;
        this.owner = owner;
        this.reader = new RequestReader(MAX_REQUEST_BYTES, readTimeout, MAX_PENDING_CONNECTIONS, this::dispatch);
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
                daemonThreads("pilot-control-"));
        // No queue: a stream that cannot start now is refused, not parked behind streams that may never end.
        this.longRunning = new ThreadPoolExecutor(0, MAX_LONG_RUNNING, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemonThreads("pilot-control-long-"));
        this.acceptor = daemonThreads("pilot-control-accept-").newThread(this::acceptLoop);
        this.readerThread = daemonThreads("pilot-control-read-").newThread(reader::run);
    }

    /** Starts serving {@code commands} at {@code socketPath}, with the default read timeout. */
    public static ControlServer start(Path socketPath, ControlCommands commands) {
        return start(socketPath, commands, DEFAULT_READ_TIMEOUT);
    }

    /**
     * Starts serving {@code commands} at {@code socketPath}. A socket file left by a process that died is
     * replaced; one a live process answers on is not.
     *
     * @param readTimeout how long a client may take to send its request line
     * @throws IllegalStateException if another live process serves {@code socketPath}, or if the path
     *         holds something else than a socket, or cannot be bound; the message names the path
     */
    public static ControlServer start(Path socketPath, ControlCommands commands, Duration readTimeout) {
        Objects.requireNonNull(commands, "commands");
        Path path = socketPath.toAbsolutePath();
        try {
            createPrivateDirectory(path.getParent());
            UserPrincipal owner = currentUser(path.getParent());
            checkPrivateDirectory(path.getParent(), owner);
            removeStaleSocket(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(path));
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            ControlServer control;
            try {
                control = new ControlServer(path, server, commands, readTimeout, owner);
            } catch (IOException e) {
                server.close();
                throw e;
            }
            control.readerThread.start();
            control.acceptor.start();
            log.info("Pilot control socket listening on {}", path);
            return control;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the control socket " + path + ": " + e, e);
        }
    }

    /** Connections whose request line is being read now. */
    public int pendingConnections() {
        return reader.pending();
    }

    /** Long-running commands running now (at most {@link #MAX_LONG_RUNNING}). */
    public int longRunningCommands() {
        return longRunning.getActiveCount();
    }

    /** Long-running commands refused because {@link #MAX_LONG_RUNNING} were running. */
    public long refusedLongRunning() {
        return refusedLongRunning.sum();
    }

    /** Connections refused because their peer runs as another user. */
    public long refusedPeers() {
        return refusedPeers.sum();
    }

    /**
     * This process's user: the owner of a file it creates (the JVM's {@code user.name} is not a reliable
     * source). The probe lives in the directory the socket goes to, and is removed at once.
     */
    private static UserPrincipal currentUser(Path directory) throws IOException {
        Path probe = Files.createTempFile(directory, ".owner", ".probe");
        try {
            return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * A run directory another user owns, or that others may write to, lets them replace the socket with their
     * own (and read what pilotctl sends, tokens included): refuse it, naming what to fix.
     */
    private static void checkPrivateDirectory(Path directory, UserPrincipal user) throws IOException {
        UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(user)) {
            throw new IllegalStateException("cannot open the control socket in " + directory + ": the directory is owned by "
                    + "another user (" + owner.getName() + ", not " + user.getName() + "); use a directory of your own");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException("cannot open the control socket in " + directory + ": the directory is writable "
                    + "by others (mode " + PosixFilePermissions.toString(mode) + "); chmod 700 it or use another directory");
        }
    }

    /** Where the socket is. */
    public Path socketPath() {
        return socketPath;
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.getParent();
        if (parent != null) {
            createPrivateDirectory(parent);
        }
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // The umask may have narrowed the mode further, never widened it; set it exactly.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (FileAlreadyExistsException raced) {
            // Another process made it in between: fine, it is a directory or the bind below says why not.
        }
    }

    /**
     * A socket file nobody accepts on is what a killed node leaves behind: delete it. One that accepts
     * belongs to a live node: refuse, rather than steal its name.
     */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IllegalStateException("cannot open the control socket " + path
                    + ": the path exists and is not a socket; move it away or choose another path");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IllegalStateException("cannot open the control socket " + path
                    + ": another running node serves it; stop that node or choose another path");
        } catch (ConnectException stale) {
            log.info("removing stale control socket {} (nothing accepts on it: {})", path, stale.getMessage());
            Files.deleteIfExists(path);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.warn("control socket {} cannot accept; stopping it", socketPath, e);
                return;
            }
            if (peerIsOwner(client)) {
                reader.add(client);
            }
        }
    }

    /** Whether the client runs as this node's user; if not it is told so, hung up on and counted. */
    private boolean peerIsOwner(SocketChannel client) {
        UserPrincipal peer;
        try {
            UnixDomainPrincipal credentials = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            peer = credentials.user();
        } catch (IOException | UnsupportedOperationException e) {
            peer = null;
        }
        if (owner.equals(peer)) {
            return true;
        }
        refusedPeers.increment();
        String who = peer == null ? "a client whose user cannot be told" : "a client of another user (" + peer.getName() + ")";
        log.warn("control socket {}: refused {}", socketPath, who);
        ControlConnection.refuse(client, new ControlException(ControlError.FORBIDDEN, "this control socket serves only "
                + owner.getName() + "; refused " + who));
        return false;
    }

    /**
     * Runs on the reader thread: parses the line (at most {@link #MAX_REQUEST_BYTES}, so quickly) to learn which
     * pool the command belongs to, and hands it over; a request that cannot be run is answered and hung up on.
     */
    private void dispatch(SocketChannel client, String line) {
        ControlRequest request;
        try {
            request = ControlRequest.parse(line);
        } catch (ControlException e) {
            ControlConnection.refuse(client, e);
            return;
        }
        ControlConnection connection = new ControlConnection(client, request, commands, () -> closed);
        if (commands.longRunning(request.command())) {
            try {
                longRunning.execute(connection);
            } catch (RejectedExecutionException full) {
                refusedLongRunning.increment();
                ControlConnection.refuse(client, new ControlException(ControlError.TOO_MANY_RUNNING, MAX_LONG_RUNNING
                        + " long-running commands (listen, ping, bench) are running already; '" + request.command()
                        + "' was not started"));
            }
            return;
        }
        try {
            workers.execute(connection);
        } catch (RejectedExecutionException full) {
            ControlConnection.refuse(client, new ControlException(ControlError.BUSY,
                    "the node is serving " + (WORKERS + QUEUED) + " control clients already"));
        }
    }

    /**
     * Stops accepting, lets the requests in progress finish (up to 5 s, unless called by one of them, as a
     * stop callback does) and removes the socket file.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the control socket failed", e);
        }
        reader.close();
        workers.shutdown();
        longRunning.shutdown();
        if (!ownThreads.contains(Thread.currentThread())) {
            try {
                acceptor.join(TimeUnit.SECONDS.toMillis(5));
                readerThread.join(TimeUnit.SECONDS.toMillis(5));
                reader.closeSelector();
                workers.awaitTermination(5, TimeUnit.SECONDS);
                longRunning.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the control socket " + socketPath, e);
        }
    }

    /** Daemon threads, remembered so that {@link #close} knows when one of them calls it. */
    private ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            ownThreads.add(thread);
            return thread;
        };
    }
}
