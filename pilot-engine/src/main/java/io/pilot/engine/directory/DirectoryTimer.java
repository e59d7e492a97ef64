package io.pilot.engine.directory;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One timer thread for every directory client in the process (heartbeats, retries, the end of a restart's grace):
 * their tasks are tiny and rare, and a JVM that hosts many agents (tests, simulations) should not pay a thread for
 * each.
 */
final class DirectoryTimer {

    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("pilot-directory", true));

    private DirectoryTimer() {
    }
}
