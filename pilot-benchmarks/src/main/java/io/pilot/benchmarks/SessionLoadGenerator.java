package io.pilot.benchmarks;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.identity.Identity;

import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A process holding many sessions with one backbone, each a {@link LightSession} on its own UDP port: real
 * handshakes, real registrations of signed records, heartbeats every {@code heartbeat-ms}, rekeys before the
 * keys age out. One thread: a selector over every socket and a queue of the sessions' next due times, so a
 * session costs a socket and its state, not threads. Sessions open at {@code rate} a second at most, with at most
 * {@value #IN_FLIGHT} of them between their first handshake message and their registration at once. Prints a line of
 * counters every second to standard output, and stops when standard input closes (its parent went away). A line
 * {@code heartbeat-ms N} on standard input changes the heartbeat interval from each session's next beat on: the
 * benchmark holds the same sessions at two rates.
 *
 * <pre>
 * SessionLoadGenerator BACKBONE_HOST:PORT REALM SESSIONS BIND_IP FIRST_AGENT RATE HEARTBEAT_MS REKEY_MS
 * </pre>
 */
public final class SessionLoadGenerator {

    /**
     * Sessions of one generator between their first INIT and their registration's reply, at most: a ramp that
     * outruns the backbone (on a busy machine it may answer a few dozen handshakes a second) only piles up
     * initiations it answers after their senders gave up on them, and then it answers none in time.
     */
    private static final int IN_FLIGHT = 32;

    /** The heartbeat interval, set from the command line and changed by {@code heartbeat-ms} on standard input. */
    private static volatile long heartbeatNanos;

    private SessionLoadGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 8) {
            System.err.println("usage: SessionLoadGenerator BACKBONE_HOST:PORT REALM SESSIONS BIND_IP FIRST_AGENT RATE HEARTBEAT_MS REKEY_MS");
            System.exit(2);
        }
        InetSocketAddress backbone = HostPort.parse(args[0]);
        int realm = Integer.parseInt(args[1]);
        int sessions = Integer.parseInt(args[2]);
        String bindIp = args[3];
        int firstAgent = Integer.parseInt(args[4]);
        double rate = Double.parseDouble(args[5]);
        heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[6]));
        long rekeyNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[7]));

        Thread watcher = new Thread(SessionLoadGenerator::readCommands, "stdin-commands");
        watcher.setDaemon(true);
        watcher.start();

        SecureRandom random = new SecureRandom();
        SyntheticAgents agents = new SyntheticAgents(realm);
        LightSession.Counters counters = new LightSession.Counters();
        Selector selector = Selector.open();
        SessionDeadlines timers = new SessionDeadlines();
        ByteBuffer datagram = ByteBuffer.allocate(65_536);
        int opened = 0;
        int socketErrors = 0;
        long start = System.nanoTime();
        long nextReport = start + 1_000_000_000L;
        LightSession[] all = new LightSession[sessions];
        while (true) {
            long now = System.nanoTime();
            long heartbeat = heartbeatNanos; // one interval for the whole pass
            // A few at a time between reads, so that a generator behind its schedule still answers its sessions.
            long inFlight = opened - counters.registered - counters.failures;
            long allowed = Math.min(Math.min(sessions, (long) ((now - start) / 1e9 * rate) + 1),
                    opened + Math.max(0, IN_FLIGHT - inFlight));
            while (opened < allowed) {
                int agent = firstAgent + opened;
                DatagramChannel channel;
                try {
                    channel = DatagramChannel.open(StandardProtocolFamily.INET);
                    channel.configureBlocking(false);
                    channel.bind(new InetSocketAddress(bindIp, 0));
                } catch (IOException e) {
                    // Out of descriptors or ports: say so in the counters, stop opening.
                    socketErrors++;
                    System.out.println("error " + e);
                    sessions = opened;
                    break;
                }
                Identity identity = agents.identity(agent);
                LightSession session = new LightSession(channel, backbone, identity, realm,
                        agents.registerBody(identity, agent, String.format("load-%07d", agent), "load.skill-" + agent),
                        rekeyNanos, random, counters);
                channel.register(selector, SelectionKey.OP_READ, session);
                all[opened++] = session;
                session.initiate(now);
                timers.file(session, session.onTimer(now, heartbeat), now);
            }
            long wait = Math.min(nextReport, timers.earliest()) - now;
            if (opened < sessions) {
                wait = Math.min(wait, (long) (1e9 / rate));
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.max(0, wait))));
            now = System.nanoTime();
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                LightSession session = (LightSession) key.attachment();
                try {
                    session.receiveAll(datagram, now);
                    timers.file(session, session.onTimer(now, heartbeat), now);
                } catch (RuntimeException e) {
                    failed(session, e, timers, now);
                }
            }
            LightSession due;
            while ((due = timers.takeDue(now)) != null) {
                try {
                    timers.file(due, due.onTimer(now, heartbeat), now);
                } catch (RuntimeException e) {
                    failed(due, e, timers, now);
                }
            }
            if (now >= nextReport) {
                int[] states = new int[LightSession.State.values().length];
                for (int i = 0; i < opened; i++) {
                    states[all[i].state.ordinal()]++;
                }
                System.out.printf("stats opened=%d held=%d handshaking=%d confirming=%d registering=%d failed=%d handshakes=%d rekeys=%d heartbeats=%d"
                                + " reregistrations=%d reconnects=%d cookies=%d in=%d out=%d socketErrors=%d timers=%d closes=%s%n", opened, states[LightSession.State.HELD.ordinal()],
                        states[LightSession.State.HANDSHAKING.ordinal()], states[LightSession.State.CONFIRMING.ordinal()],
                        states[LightSession.State.REGISTERING.ordinal()],
                        states[LightSession.State.FAILED.ordinal()], counters.handshakes, counters.rekeys,
                        counters.heartbeats, counters.reregistrations, counters.reconnects, counters.cookies, counters.datagramsIn, counters.datagramsOut, socketErrors, timers.size(),
                        counters.closes.isEmpty() ? "none" : counters.closes.toString().replace(" ", "").replace("{", "").replace("}", ""));
                System.out.flush();
                nextReport = now + 1_000_000_000L;
            }
        }
    }

    /** A session threw: it fails alone and leaves the queue; the first such error of each session is printed. */
    private static void failed(LightSession session, RuntimeException e, SessionDeadlines timers, long now) {
        if (session.failAlone(e)) {
            System.out.println("error session " + session.number + ": " + e);
        }
        timers.file(session, Long.MAX_VALUE, now);
    }

    /** Takes {@code heartbeat-ms N} lines until standard input closes, then exits: the parent is gone or done. */
    private static void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split(" ");
                if (words.length == 2 && words[0].equals("heartbeat-ms")) {
                    heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(words[1]));
                } else {
                    System.out.println("error unknown command: " + line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.out.println("error " + e);
        }
        System.exit(0);
    }
}
