package io.pilot.engine.natlab;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Drives a {@link UdpProbe} running in a lab host, so tests speak of sending and receiving rather than of
 * output lines. Every {@code text} a test sends should be unique within the test: lines are matched by it.
 */
final class Probe {

    /** Long enough for a JVM to start on a busy two-core machine. */
    private static final Duration START = Duration.ofSeconds(15);
    private static final Duration QUIET = Duration.ofMillis(300);

    private final LabProcess process;

    private Probe(LabProcess process) {
        this.process = process;
        process.awaitLine(Pattern.compile("BOUND \\d+"), START);
    }

    /** A probe on {@code host}, bound to {@code port}. */
    static Probe start(NatLab lab, String host, int port) {
        return new Probe(lab.java(host, UdpProbe.class, String.valueOf(port)));
    }

    /** A probe on {@code host}, bound to {@code port}, that tells every sender its address as seen from here. */
    static Probe reflector(NatLab lab, String host, int port) {
        return new Probe(lab.java(host, UdpProbe.class, String.valueOf(port), "reflect"));
    }

    /** Sends {@code text} once to {@code to}, without waiting. */
    void send(InetSocketAddress to, String text) {
        send(to, text, 1, 0);
    }

    /** Sends {@code text} {@code count} times to {@code to}, {@code gapMicros} apart, without waiting. */
    void send(InetSocketAddress to, String text, int count, long gapMicros) {
        process.send("send " + format(to) + " " + text + " " + count + " " + gapMicros);
    }

    /** Waits until the probe has sent everything asked of it under {@code text}. */
    void awaitSent(String text, Duration timeout) {
        process.awaitLine(Pattern.compile("SENT \\d+ " + Pattern.quote(text)), timeout);
    }

    /** The source address of the first datagram {@code text} received, waiting up to {@code timeout} for it. */
    InetSocketAddress awaitReceived(String text, Duration timeout) {
        return source(process.awaitLine(received(text), timeout));
    }

    /** Whether a datagram {@code text} arrives within {@code within}. */
    boolean receives(String text, Duration within) {
        return process.findLine(received(text), within).isPresent();
    }

    /** How many datagrams {@code text} arrived, counted once nothing more has come in for a while. */
    long receivedCount(String text) throws InterruptedException {
        Pattern pattern = received(text);
        long count = -1;
        long now = 0;
        while (count != now) {
            count = now;
            Thread.sleep(QUIET.toMillis());
            now = process.lines().stream().filter(line -> pattern.matcher(line).matches()).count();
        }
        return count;
    }

    /** This probe's public address as {@code reflector} sees it: its NAT mapping towards that destination. */
    InetSocketAddress mappingSeenBy(InetSocketAddress reflector, Duration timeout) {
        send(reflector, "mapping");
        MatchResult line = process.awaitLine(Pattern.compile(
                "RECV " + Pattern.quote(format(reflector)) + " SEEN ([0-9.]+):(\\d+)"), timeout);
        return new InetSocketAddress(line.group(1), Integer.parseInt(line.group(2)));
    }

    private static Pattern received(String text) {
        return Pattern.compile("RECV ([0-9.]+):(\\d+) " + Pattern.quote(text));
    }

    private static InetSocketAddress source(MatchResult line) {
        return new InetSocketAddress(line.group(1), Integer.parseInt(line.group(2)));
    }

    private static String format(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
