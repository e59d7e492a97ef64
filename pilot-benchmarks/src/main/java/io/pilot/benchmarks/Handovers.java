package io.pilot.benchmarks;

import java.util.List;

/**
 * Reads a caller's call trace (calls back to back, each with its start, end and answering provider) around a
 * provider leaving or joining, and says how long the caller took to follow. Times are epoch microseconds; the
 * trace's come from the caller process, the event's from the runner or the joining provider, all on one machine.
 */
final class Handovers {

    /** One traced call: {@code by} is the provider that answered, null if the call failed. */
    record Call(long startMicros, long endMicros, String by) {
    }

    /**
     * @param micros how long the caller took, null if it never followed within the trace
     * @param failedCalls calls that failed after the event
     * @param slowCalls calls after the event that took longer than {@link #SLOW_MICROS} (answered or failed)
     */
    record Handover(Long micros, int failedCalls, int slowCalls) {
    }

    /** A call slower than this (1 s) is one a user would notice, even if it was answered in the end. */
    static final long SLOW_MICROS = 1_000_000;

    private Handovers() {
    }

    /**
     * Leave-to-no-longer-chosen: from {@code signalMicros} (the leaver was told to stop, or killed) to the end of the last call
     * that did not reach {@code survivor} at once: it reached the leaver, or failed, or reached the survivor only after
     * more than {@link #SLOW_MICROS} (a call sent to a provider that died fails over only when its connection is
     * declared lost, so the survivor's answer alone would hide that wait); 0 if every call after the signal reached
     * the survivor at once. Null if no call after the signal reached the survivor at all.
     */
    static Handover leave(List<Call> calls, long signalMicros, String survivor) {
        long lastMiss = signalMicros;
        boolean reachedSurvivor = false;
        int failed = 0;
        int slow = 0;
        for (Call call : calls) {
            if (call.endMicros() < signalMicros) {
                continue;
            }
            if (call.by() == null) {
                failed++;
            }
            if (slow(call)) {
                slow++;
            }
            if (survivor.equals(call.by()) && !slow(call)) {
                reachedSurvivor = true;
            } else {
                lastMiss = Math.max(lastMiss, call.endMicros());
                reachedSurvivor = false;
            }
        }
        return new Handover(reachedSurvivor ? lastMiss - signalMicros : null, failed, slow);
    }

    /**
     * Join-to-first-chosen: from {@code readyMicros} (the joiner reported itself started, hence registered) to the
     * end of the first call it answered; 0 if that call ended before the joiner's own report. Null if it answered
     * none.
     */
    static Handover join(List<Call> calls, long readyMicros, String joiner) {
        int failed = 0;
        int slow = 0;
        for (Call call : calls) {
            if (joiner.equals(call.by())) {
                return new Handover(Math.max(0, call.endMicros() - readyMicros), failed, slow);
            }
            if (call.endMicros() >= readyMicros) {
                failed += call.by() == null ? 1 : 0;
                slow += slow(call) ? 1 : 0;
            }
        }
        return new Handover(null, failed, slow);
    }

    private static boolean slow(Call call) {
        return call.endMicros() - call.startMicros() > SLOW_MICROS;
    }
}
