package io.pilot.benchmarks.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls back to back on a thread of its own and records every call's start, end and answering provider, until
 * stopped: the runner stops, kills or starts providers meanwhile and reads from the record when the caller stopped
 * choosing one and started choosing another. Times are {@link EpochMicros}, comparable with the runner's and the
 * providers' own.
 */
public final class CallTrace {

    /** After a failed call, wait this long before the next, so that a caller without providers does not spin. */
    private static final long PAUSE_AFTER_FAILURE_NANOS = 1_000_000;

    /**
     * @param startMicros when the call was made
     * @param endMicros when it returned or threw
     * @param by the provider that answered, null if the call failed
     * @param error why it failed, null if it did not
     */
    public record TracedCall(long startMicros, long endMicros, String by, String error) {
    }

    private final EchoCall call;
    private final List<TracedCall> calls = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    private CallTrace(EchoCall call) {
        this.call = call;
        this.thread = new Thread(this::run, "bench-call-trace");
    }

    public static CallTrace start(EchoCall call) {
        CallTrace trace = new CallTrace(call);
        trace.thread.start();
        return trace;
    }

    private void run() {
        EchoRequest request = EchoRequest.ofJsonLength();
        while (!stopping) {
            long start = EpochMicros.now();
            TracedCall traced;
            try {
                String by = call.call(request).by();
                traced = new TracedCall(start, EpochMicros.now(), by, null);
            } catch (Exception e) {
                traced = new TracedCall(start, EpochMicros.now(), null, Failures.describe(e));
            }
            synchronized (calls) {
                calls.add(traced);
            }
            if (traced.by() == null) {
                LockSupport.parkNanos(PAUSE_AFTER_FAILURE_NANOS);
            }
        }
    }

    /**
     * The provider that answered the latest successful call and how many of the latest calls in a row it answered
     * (a failure or another provider ends the run); {@code by} null if no call succeeded yet.
     */
    public record Latest(String by, int inARow) {
    }

    public Latest latest() {
        synchronized (calls) {
            int last = calls.size() - 1;
            while (last >= 0 && calls.get(last).by() == null) {
                last--;
            }
            if (last < 0) {
                return new Latest(null, 0);
            }
            String by = calls.get(last).by();
            int first = last;
            while (first > 0 && by.equals(calls.get(first - 1).by())) {
                first--;
            }
            return new Latest(by, last - first + 1);
        }
    }

    /** Stops calling (after the call in progress returns) and hands over the record. */
    public List<TracedCall> stop() throws InterruptedException {
        stopping = true;
        thread.join();
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }
}
