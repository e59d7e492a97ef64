package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import java.nio.charset.StandardCharsets;

/**
 * The directory protocol: requests a node sends to the backbone's {@link #PORT}, their replies, and the
 * events the backbone pushes to a node's {@link #EVENTS_PORT}. Every request and event is one Pilot
 * message over the same secure sessions as any peer traffic; the backbone knows who asks from the
 * session, never from the request. Byte layouts: {@code docs/PROTOCOL.md}, "Directory".
 *
 * <pre>
 * request = op u8 | op-specific fields
 * reply   = status u8 (0 = ok | 1 + DirectoryError ordinal) | ok: op-specific fields
 *                                                             | error: message bytes16 (UTF-8)
 * event   = kind u8 | subscription u32 | revision u64 | record bytes16
 *           [| observed endpoint (PUNCH) | previous u64 (a WATCH_FROM subscription's)]
 * </pre>
 */
public final class DirectoryProtocol {

    /** The backbone's directory service. */
    public static final int PORT = 2;

    /** Where a node receives directory events (watch pushes, punch requests). */
    public static final int EVENTS_PORT = 3;

    public static final int OP_REGISTER = 0x01;
    public static final int OP_HEARTBEAT = 0x02;
    public static final int OP_DEREGISTER = 0x03;
    public static final int OP_LOOKUP = 0x10;
    public static final int OP_WATCH = 0x20;
    public static final int OP_UNWATCH = 0x21;
    /** WATCH that names the last revision heard: answered with the changes missed since, or a snapshot. */
    public static final int OP_WATCH_FROM = 0x22;
    public static final int OP_CREATE_GROUP = 0x30;
    public static final int OP_PUNCH = 0x40;

    /** A WATCH_FROM reply's mode: the current matches follow (a new watch, or the changes cannot be replayed). */
    public static final int WATCH_SNAPSHOT = 0;
    /** A WATCH_FROM reply's mode: the changes after the revision asked for follow, as events in revision order. */
    public static final int WATCH_REPLAYED = 1;

    public static final int EVENT_JOIN = 1;
    public static final int EVENT_UPDATE = 2;
    public static final int EVENT_LEAVE = 3;
    public static final int EVENT_PUNCH = 4;

    private DirectoryProtocol() {
    }

    /** What a lookup or a watch selects. */
    public enum Query {
        ALL, HOSTNAME, ADDRESS, CAPABILITY, GROUP;

        public static Query fromWire(int value) {
            Query[] all = values();
            if (value < 0 || value >= all.length) {
                throw new DirectoryException(DirectoryError.BAD_REQUEST, "unknown query kind " + value);
            }
            return all[value];
        }
    }

    /** How a group admits members. */
    public enum GroupPolicy {
        /** Anyone in the realm may join. */
        OPEN,
        /** Joining needs the group's token. */
        TOKEN,
        /** Joining needs an invitation signed by the group's owner. */
        INVITATION;

        public static GroupPolicy fromWire(int value) {
            GroupPolicy[] all = values();
            if (value < 0 || value >= all.length) {
                throw new DirectoryException(DirectoryError.BAD_REQUEST, "unknown group policy " + value);
            }
            return all[value];
        }
    }

    /** A reply's writer, positioned after an ok status. */
    public static BinaryWriter ok() {
        return new BinaryWriter().u8(0);
    }

    public static byte[] error(DirectoryError error, String message) {
        return new BinaryWriter().u8(1 + error.ordinal()).bytes16(message.getBytes(StandardCharsets.UTF_8)).toBytes();
    }

    /**
     * Reads a reply's status.
     *
     * @return a reader positioned after an ok status
     * @throws DirectoryException carrying the backbone's error, or {@link DirectoryError#BAD_REQUEST} if the
     *         reply is too short to say
     */
    public static BinaryReader readReply(byte[] reply) {
        try {
            BinaryReader reader = new BinaryReader(reply);
            int status = reader.u8();
            if (status == 0) {
                return reader;
            }
            throw new DirectoryException(DirectoryError.fromWire(status - 1),
                    new String(reader.bytes16(), StandardCharsets.UTF_8));
        } catch (DecodeException e) {
            throw malformed(e);
        }
    }

    /**
     * The directory protocol's word for bytes that do not decode: {@link DirectoryError#BAD_REQUEST} with the
     * decoder's reason, both ways (a bad request at the backbone, a bad reply at the node).
     */
    public static DirectoryException malformed(DecodeException e) {
        return new DirectoryException(DirectoryError.BAD_REQUEST, e.getMessage());
    }
}
