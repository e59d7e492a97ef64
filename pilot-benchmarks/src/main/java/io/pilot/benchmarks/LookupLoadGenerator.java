package io.pilot.benchmarks;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.Identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process that puts directory lookups on a backbone from a few {@link LightSession}s, several lookups in flight
 * on each: the backbone's side of a lookup measured without the cost of client nodes in the backbone's own JVM
 * (each a {@code PilotNode} with its event loop and threads). Each session handshakes, registers a signed record
 * of its own and heartbeats as a node does; while running, it keeps {@code DEPTH} lookups by hostname in flight,
 * each for one of the hostnames given (session i asks for hostname i modulo their number), each reply checked to
 * carry exactly one record. One thread: a selector over the sessions' sockets.
 *
 * <p>Driven by lines on standard input: {@code run} starts the lookups, {@code pause} stops sending more,
 * {@code count} prints {@code count lookups=N held=H failed=F in=I out=O} (I and O: datagrams received and sent);
 * the end of input ends the process.
 *
 * <pre>
 * LookupLoadGenerator BACKBONE_HOST:PORT REALM SESSIONS BIND_IP FIRST_AGENT DEPTH HEARTBEAT_MS HOSTNAME...
 * </pre>
 */
public final class LookupLoadGenerator {

    private LookupLoadGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 8) {
            System.err.println("usage: LookupLoadGenerator BACKBONE_HOST:PORT REALM SESSIONS BIND_IP FIRST_AGENT DEPTH HEARTBEAT_MS HOSTNAME...");
            System.exit(2);
        }
        InetSocketAddress backbone = HostPort.parse(args[0]);
        int realm = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String bindIp = args[3];
        int firstAgent = Integer.parseInt(args[4]);
        int depth = Integer.parseInt(args[5]);
        long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[6]));
        int hostnames = args.length - 7;

        Selector selector = Selector.open();
        Queue<String> commands = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> readCommands(commands, selector), "stdin-commands");
        reader.setDaemon(true);
        reader.start();

        SecureRandom random = new SecureRandom();
        SyntheticAgents agents = new SyntheticAgents(realm);
        LightSession.Counters counters = new LightSession.Counters();
        LightSession[] sessions = new LightSession[count];
        byte[][] lookups = new byte[count][];
        long[] due = new long[count];
        long now = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int agent = firstAgent + i;
            DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(bindIp, 0));
            Identity identity = agents.identity(agent);
            sessions[i] = new LightSession(channel, backbone, identity, realm,
                    agents.registerBody(identity, agent, String.format("lookup-load-%05d", agent), "lookup.load-" + agent),
                    Long.MAX_VALUE / 4, random, counters);
            lookups[i] = new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(Query.HOSTNAME.ordinal())
                    .string8(args[7 + i % hostnames]).toBytes();
            channel.register(selector, SelectionKey.OP_READ, i);
            sessions[i].initiate(now);
            due[i] = sessions[i].onTimer(now, heartbeatNanos);
        }
        ByteBuffer datagram = ByteBuffer.allocate(65_536);
        while (true) {
            long next = Long.MAX_VALUE;
            for (long at : due) {
                next = Math.min(next, at);
            }
            long wait = TimeUnit.NANOSECONDS.toMillis(Math.max(0, next - System.nanoTime()));
            selector.select(Math.max(1, Math.min(wait, 1_000)));
            now = System.nanoTime();
            for (String command; (command = commands.poll()) != null; ) {
                switch (command) {
                    case "run", "pause" -> {
                        for (int i = 0; i < count; i++) {
                            sessions[i].keepLookupsInFlight(lookups[i], command.equals("run") ? depth : 0, now);
                        }
                    }
                    case "count" -> {
                        int held = 0;
                        for (LightSession session : sessions) {
                            held += session.state == LightSession.State.HELD ? 1 : 0;
                        }
                        if (counters.lastFailure != null) {
                            System.out.println("failure " + counters.lastFailure); // the parent keeps the first
                        }
                        System.out.printf("count lookups=%d held=%d failed=%d in=%d out=%d%n", counters.lookups, held,
                                counters.failures, counters.datagramsIn, counters.datagramsOut);
                        System.out.flush();
                    }
                    default -> System.out.println("error unknown command " + command);
                }
            }
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                int i = (Integer) key.attachment();
                sessions[i].receiveAll(datagram, now);
                due[i] = sessions[i].onTimer(now, heartbeatNanos);
            }
            for (int i = 0; i < count; i++) {
                if (due[i] <= now) {
                    due[i] = Math.max(sessions[i].onTimer(now, heartbeatNanos), now + 1_000_000);
                }
            }
        }
    }

    /** Hands each line of standard input to the main loop; the end of input ends the process (its parent went away). */
    private static void readCommands(Queue<String> commands, Selector selector) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                commands.add(line.trim());
                selector.wakeup();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            System.exit(0);
        }
    }
}
