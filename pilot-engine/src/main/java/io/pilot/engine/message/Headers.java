package io.pilot.engine.message;

/** Names of the headers Pilot itself reads or writes. */
public final class Headers {

    /** Media type of the body, e.g. {@code application/json}. */
    public static final String CONTENT_TYPE = "content-type";

    /** Ties a reply, a log line or a trace to its request; set on every request unless the caller set one. */
    public static final String CORRELATION_ID = "correlation-id";

    /** The capability a request is for (used by the Spring layer). */
    public static final String CAPABILITY = "capability";

    /** On a broadcast: the group it was sent to, set by the sender's {@code GroupMessaging.broadcast}. */
    public static final String GROUP = "group";

    /** W3C Trace Context: the caller's span. */
    public static final String TRACEPARENT = "traceparent";

    /** W3C Trace Context: vendor state. */
    public static final String TRACESTATE = "tracestate";

    /**
     * On a request: the caller's remaining time when it sent the request, in whole milliseconds (relative, since
     * the two clocks need not agree). The callee answers {@link ErrorCode#DEADLINE_EXCEEDED} once it has passed, and a
     * request the callee makes while serving carries what is left of it, never more.
     */
    public static final String DEADLINE = "deadline";

    /**
     * On a REQUEST_STREAM or a CREDIT frame: how many more items the server may send, in decimal. The server's
     * outstanding credit (granted and not yet used) never exceeds {@link StreamCredit#MAX_OUTSTANDING}.
     */
    public static final String CREDIT = "credit";

    /** On an error reply: the {@link ErrorCode} name. */
    public static final String ERROR_CODE = "error-code";

    private Headers() {
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > Message.MAX_HEADER_NAME) {
            throw new IllegalArgumentException("header name must be 1.." + Message.MAX_HEADER_NAME + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                throw new IllegalArgumentException("header name '" + name + "' may use only a-z, 0-9, '-', '_' and '.'");
            }
        }
    }
}
