package io.pilot.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * CPU time by thread group, to split section 5's figures between the backbone and the nodes loading it, which
 * all share one JVM. The backbone's threads are its node's event loop, found as the one {@code pilot-io} thread
 * that appeared while that node started, and the {@code pilot-handler} pool, which only the backbone uses (agents
 * and load nodes serve no requests). Thread CPU time includes the system calls a thread makes (its datagram
 * sends and receives). GC workers and JIT compiler threads are not Java threads the management interface lists:
 * what the process used beyond the listed threads is reported as {@link Group#UNATTRIBUTED}.
 */
public final class ThreadCpu {

    /** Where CPU time went. */
    public enum Group {
        BACKBONE("backbone: its event loop and handler pool"),
        NODE_LOOPS("the other nodes' event loops"),
        CALLBACKS("callback executors (completing futures, running the load's next request)"),
        DIRECTORY_TIMERS("directory clients' timers (heartbeats)"),
        OTHER("other Java threads (the benchmark's own, JMX, Netty's)"),
        UNATTRIBUTED("no Java thread: GC workers, JIT compilers, VM threads (process CPU minus the rows above)");

        private final String label;

        Group(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Per-thread CPU time at one instant, with the wall clock. */
    record Mark(Map<Long, Long> cpuByThread, long processNanos, long wallNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long backboneLoop;

    private ThreadCpu(long backboneLoop) {
        this.backboneLoop = backboneLoop;
    }

    /** The {@code pilot-io} threads alive now, to diff against after starting the backbone's node. */
    static Set<Long> eventLoops() {
        Set<Long> ids = new HashSet<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("pilot-io-")) {
                ids.add(info.getThreadId());
            }
        }
        return ids;
    }

    /** Accounting with the backbone's event loop found as the one started between {@code before} and {@code after}. */
    static ThreadCpu withBackboneLoop(Set<Long> before, Set<Long> after) {
        return new ThreadCpu(newEventLoop(before, after));
    }

    /** The one event loop in {@code after} that is not in {@code before}: the loop of the one node started in between. */
    static long newEventLoop(Set<Long> before, Set<Long> after) {
        Set<Long> started = new HashSet<>(after);
        started.removeAll(before);
        if (started.size() != 1) {
            throw new IllegalStateException("expected one new event loop for the node just started, found " + started.size());
        }
        return started.iterator().next();
    }

    /** CPU time one thread has used so far (system calls included), or -1 if it has ended. */
    static long threadCpuNanos(long threadId) {
        return THREADS.getThreadCpuTime(threadId);
    }

    Mark mark() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return new Mark(cpu, processCpuNanos(), System.nanoTime());
    }

    /** Cores used per group since {@code start} (threads that ended in between are not counted). */
    Map<Group, Double> coresSince(Mark start) {
        Map<Group, Double> cores = new EnumMap<>(Group.class);
        for (Group group : Group.values()) {
            cores.put(group, 0.0);
        }
        long wall = System.nanoTime() - start.wallNanos();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            long used = now - start.cpuByThread().getOrDefault(info.getThreadId(), 0L);
            cores.merge(group(info), (double) used / wall, Double::sum);
        }
        double threads = cores.values().stream().mapToDouble(Double::doubleValue).sum();
        cores.put(Group.UNATTRIBUTED, Math.max(0, (double) (processCpuNanos() - start.processNanos()) / wall - threads));
        return cores;
    }

    /** CPU time of the whole process, every thread (Java or not, alive or ended) included. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private Group group(ThreadInfo info) {
        String name = info.getThreadName();
        if (info.getThreadId() == backboneLoop || name.startsWith("pilot-handler-")) {
            return Group.BACKBONE;
        }
        if (name.startsWith("pilot-io-")) {
            return Group.NODE_LOOPS;
        }
        if (name.startsWith("pilot-callback-")) {
            return Group.CALLBACKS;
        }
        if (name.startsWith("pilot-directory-")) {
            return Group.DIRECTORY_TIMERS;
        }
        return Group.OTHER;
    }
}
