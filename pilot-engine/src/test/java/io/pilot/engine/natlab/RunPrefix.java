package io.pilot.engine.natlab;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names one lab run. Every namespace of a run starts with {@code nl<pid>-<seq>-}: the pid keeps parallel JVMs
 * apart, the sequence keeps labs of one JVM apart, and the pid also tells whether a run is over, so namespaces
 * that a killed JVM never removed can be recognised as stale and removed by the next run.
 */
final class RunPrefix {

    private static final Pattern FAMILY = Pattern.compile("nl(\\d+)-\\d+-.+");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private RunPrefix() {
    }

    /** A prefix no other run, in this JVM or another, is using. */
    static String next() {
        return of(ProcessHandle.current().pid(), SEQUENCE.getAndIncrement());
    }

    static String of(long pid, int sequence) {
        return "nl" + pid + "-" + sequence + "-";
    }

    /** Whether {@code namespace} belongs to a lab whose JVM has exited. */
    static boolean isStale(String namespace) {
        Matcher matcher = FAMILY.matcher(namespace);
        return matcher.matches()
                && ProcessHandle.of(Long.parseLong(matcher.group(1))).map(p -> !p.isAlive()).orElse(true);
    }
}
