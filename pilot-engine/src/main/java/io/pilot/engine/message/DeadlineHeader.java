package io.pilot.engine.message;

import java.util.concurrent.TimeUnit;

/**
 * The value of the {@link Headers#DEADLINE} header: the caller's remaining time in whole milliseconds, relative
 * (the two clocks need not agree), as 1 to 10 ASCII digits from 0 to {@link #MAX_MILLIS}. Read from the network,
 * anything else is a protocol error, so a peer cannot make the callee compute with a negative or overflowing time.
 */
final class DeadlineHeader {

    /** The longest deadline a header carries (about 24.8 days); a longer timeout is sent as this. */
    static final long MAX_MILLIS = Integer.MAX_VALUE;

    /** What {@link #parse} returns when the request carries no deadline. */
    static final long ABSENT = -1;

    /** How much of a bad value an error message repeats: enough to recognise it, never a header's 8 KiB. */
    private static final int QUOTED = 32;

    private DeadlineHeader() {
    }

    /**
     * @return the milliseconds {@code value} carries, or {@link #ABSENT} if it is null
     * @throws FrameException ({@link ErrorCode#PROTOCOL}) unless it is 1..10 digits worth at most {@link #MAX_MILLIS}
     */
    static long parse(String value) throws FrameException {
        if (value == null) {
            return ABSENT;
        }
        if (value.isEmpty() || value.length() > 10) {
            throw malformed(value);
        }
        long millis = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(value);
            }
            millis = millis * 10 + (c - '0');
        }
        if (millis > MAX_MILLIS) {
            throw malformed(value);
        }
        return millis;
    }

    /**
     * The deadline a request arriving at {@code localAddress} carries, for the callee to enforce (on a REQUEST and on
     * a REQUEST_STREAM alike): its milliseconds, or {@link #ABSENT}.
     *
     * @throws FrameException {@link ErrorCode#PROTOCOL} if the header is malformed, {@link ErrorCode#DEADLINE_EXCEEDED}
     *     if it is 0: the caller's time ran out on the way, so no handler runs
     */
    static long admit(Message request, Object localAddress) throws FrameException {
        long millis = parse(request.header(Headers.DEADLINE));
        if (millis == 0) {
            throw new FrameException(ErrorCode.DEADLINE_EXCEEDED, "the caller's deadline had passed when the request "
                    + "reached " + localAddress);
        }
        return millis;
    }

    /** The header value for a timeout: whole milliseconds rounded down (a deadline never grows), capped. */
    static long millisOf(long timeoutNanos) {
        return Math.min(MAX_MILLIS, Math.max(0, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
    }

    private static FrameException malformed(String value) {
        String quoted = value.length() > QUOTED ? value.substring(0, QUOTED) + "…" : value;
        return new FrameException(ErrorCode.PROTOCOL, "header " + Headers.DEADLINE
                + " must be whole milliseconds from 0 to " + MAX_MILLIS + ", got '" + quoted + "'");
    }
}
