package io.pilot.engine.address;

import java.util.Objects;

/**
 * A node's permanent address: a realm (the backbone namespace, 0 by default) and a 48-bit node
 * number derived from the node's public key, printed {@code N:XXXX.XXXX.XXXX}.
 *
 * <p>The address names a node; it never authenticates one. 48 bits can be ground by a determined
 * attacker, so whoever connects to an address also checks the full key behind it (see
 * {@code docs/PROTOCOL.md}, "Addresses").
 */
public record PilotAddress(int realm, long node) implements Comparable<PilotAddress> {

    /** Largest node number: 48 bits. */
    public static final long MAX_NODE = (1L << 48) - 1;

    /** Largest realm. Realms travel as an unsigned 16-bit number in handshakes and records. */
    public static final int MAX_REALM = 0xFFFF;

    public PilotAddress {
        if (realm < 0 || realm > MAX_REALM) {
            throw new IllegalArgumentException("realm " + realm + " is outside 0.." + MAX_REALM);
        }
        if (node < 0 || node > MAX_NODE) {
            throw new IllegalArgumentException("node number " + Long.toHexString(node) + " does not fit 48 bits");
        }
    }

    /**
     * Parses {@code N:XXXX.XXXX.XXXX}: a decimal realm, then three groups of exactly four hex
     * digits (either case is accepted; {@link #toString()} prints upper case).
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static PilotAddress parse(String text) {
        Objects.requireNonNull(text, "address");
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw invalid(text, "expected N:XXXX.XXXX.XXXX, the realm and ':' are missing");
        }
        if (text.indexOf(':', colon + 1) >= 0) {
            throw invalid(text, "more than one ':' (a port is written ADDRESS:PORT, see PilotSocketAddress)");
        }
        int realm = parseRealm(text, text.substring(0, colon));
        String[] groups = text.substring(colon + 1).split("\\.", -1);
        if (groups.length != 3) {
            throw invalid(text, "expected three dot-separated groups after the realm, found " + groups.length);
        }
        long node = 0;
        for (int i = 0; i < 3; i++) {
            node = (node << 16) | parseGroup(text, groups[i], i + 1);
        }
        return new PilotAddress(realm, node);
    }

    private static int parseRealm(String text, String realm) {
        if (realm.isEmpty() || realm.length() > 5 || !realm.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text, "realm '" + realm + "' is not a decimal number 0.." + MAX_REALM);
        }
        int value = Integer.parseInt(realm);
        if (value > MAX_REALM) {
            throw invalid(text, "realm " + value + " is larger than " + MAX_REALM);
        }
        return value;
    }

    private static int parseGroup(String text, String group, int position) {
        if (group.length() != 4) {
            throw invalid(text, "group " + position + " '" + group + "' must be exactly 4 hex digits");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(group.charAt(i), 16);
            if (digit < 0) {
                throw invalid(text, "group " + position + " '" + group + "' has a non-hex character '" + group.charAt(i) + "'");
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid Pilot address '" + text + "': " + why);
    }

    /** The same node in another realm. */
    public PilotAddress inRealm(int otherRealm) {
        return new PilotAddress(otherRealm, node);
    }

    @Override
    public int compareTo(PilotAddress other) {
        int byRealm = Integer.compare(realm, other.realm);
        return byRealm != 0 ? byRealm : Long.compare(node, other.node);
    }

    @Override
    public String toString() {
        // By hand, not String.format: printed per call served and observed (metrics, traces, logs)
        StringBuilder text = new StringBuilder(20).append(realm).append(':');
        appendGroup(text, (int) (node >>> 32));
        appendGroup(text.append('.'), (int) (node >>> 16));
        appendGroup(text.append('.'), (int) node);
        return text.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The low 16 bits of {@code group} as four upper-case hex digits. */
    private static void appendGroup(StringBuilder text, int group) {
        for (int shift = 12; shift >= 0; shift -= 4) {
            text.append(HEX[(group >>> shift) & 0xF]);
        }
    }
}
