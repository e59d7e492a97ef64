package io.pilot.engine.message;

/**
 * The credit rules of a streamed reply, on the wire: a REQUEST_STREAM frame grants the first credit in its
 * {@link Headers#CREDIT} header (0 or more), each CREDIT frame grants more (1 or more), and a server may send one
 * ITEM per unit of credit. What a server holds of granted and unused credit may never exceed
 * {@link #MAX_OUTSTANDING}: its memory for one stream is bounded by that many items, whatever the caller asks.
 */
public final class StreamCredit {

    /** Most credit a server holds for one stream at once (granted, items not yet sent). */
    public static final int MAX_OUTSTANDING = 1024;

    private StreamCredit() {
    }

    /** The credit a REQUEST_STREAM or CREDIT frame grants: a decimal in {@code [min, MAX_OUTSTANDING]}. */
    static int parse(Message frame, int min) throws FrameException {
        String text = frame.header(Headers.CREDIT);
        if (text == null || text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new FrameException(ErrorCode.PROTOCOL, "header '" + Headers.CREDIT + "' must be a count of items from "
                    + min + " to " + MAX_OUTSTANDING + ", got " + (text == null ? "none" : "'" + text + "'"));
        }
        int credit = Integer.parseInt(text);
        if (credit < min || credit > MAX_OUTSTANDING) {
            throw new FrameException(ErrorCode.PROTOCOL, "credit of " + credit + " items is outside " + min + ".."
                    + MAX_OUTSTANDING);
        }
        return credit;
    }

    /** A CREDIT frame granting {@code items} more. */
    static MessageFrame frame(int items) {
        return new MessageFrame(FrameKind.CREDIT, Message.empty().with(Headers.CREDIT, Integer.toString(items)));
    }
}
