package io.pilot.engine.address;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * UDP endpoints as people type them: {@code HOST:PORT}, an IPv6 address in brackets ({@code [::1]:7400}).
 * The one parser for every option, property and file that names an endpoint, so that all of them accept
 * and refuse the same text, with the same messages.
 *
 * <p>Brackets are required around IPv6 because without them the port cannot be told apart from the
 * address's last group ({@code ::1:7400}).
 */
public final class HostPort {

    private static final String EXAMPLE = " (e.g. 127.0.0.1:7400)";

    private HostPort() {
    }

    /**
     * An endpoint to reach: a port from 1 to 65535. The host is resolved as {@link InetSocketAddress} does
     * (a name that does not resolve gives an unresolved address, which fails when used).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static InetSocketAddress parse(String text) {
        return parse(text, 1);
    }

    /**
     * An endpoint to bind: a port from 0 (any free one) to 65535, on an address of this machine or the
     * wildcard ({@code 0.0.0.0}).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static InetSocketAddress parseBind(String text) {
        return parse(text, 0);
    }

    /**
     * {@code HOST:PORT} that {@link #parse} reads back, the one way every endpoint a user sees is written:
     * IPv4 dotted ({@code 192.0.2.1:7400}), IPv6 as RFC 5952 text in brackets ({@code [2001:db8::1]:7400},
     * {@code [::]:7400}), an unresolved name as given. Null gives null.
     */
    public static String format(InetSocketAddress endpoint) {
        if (endpoint == null) {
            return null;
        }
        if (endpoint.isUnresolved()) {
            return endpoint.getHostString() + ":" + endpoint.getPort();
        }
        InetAddress address = endpoint.getAddress();
        String host = formatAddress(address);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }

    /** Endpoints as {@link #format(InetSocketAddress)} writes them, separated by ", " ("none" if there are none). */
    public static String formatAll(Collection<InetSocketAddress> endpoints) {
        return endpoints.isEmpty() ? "none" : endpoints.stream().map(HostPort::format).collect(Collectors.joining(", "));
    }

    /**
     * An IP address as text, without brackets: IPv4 dotted, IPv6 in the RFC 5952 form (lower case, no
     * leading zeros, the longest run of two or more zero groups, the first of equal runs, as {@code ::};
     * an IPv4-mapped address as {@code ::ffff:192.0.2.1}), a scope as {@code %interface} or {@code %id}.
     * The JDK's {@link InetAddress#getHostAddress()} writes every group ({@code 0:0:0:0:0:0:0:1}).
     */
    public static String formatAddress(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        String text = formatIpv6(v6.getAddress());
        if (v6.getScopedInterface() != null) {
            return text + "%" + v6.getScopedInterface().getName();
        }
        return v6.getScopeId() != 0 ? text + "%" + v6.getScopeId() : text;
    }

    private static String formatIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) { // RFC 5952 §5: the IPv4 part of a mapped address in dotted form
            return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "."
                    + (bytes[15] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            int run = 0;
            while (i + run < 8 && groups[i + run] == 0) {
                run++;
            }
            if (run > bestLength) {
                bestStart = i;
                bestLength = run;
            }
            i += Math.max(run, 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /**
     * Where a process on this machine reaches a socket bound to {@code bound}: a wildcard address
     * ({@code 0.0.0.0}, {@code ::}) replaced by loopback, any other as it is.
     */
    public static InetSocketAddress reachable(InetSocketAddress bound) {
        if (!bound.isUnresolved() && bound.getAddress().isAnyLocalAddress()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
        }
        return bound;
    }

    private static InetSocketAddress parse(String text, int lowestPort) {
        // An IPv6 address in brackets holds colons of its own: the port's is the one after the ']'.
        int colon = text == null ? -1 : text.startsWith("[") ? text.indexOf("]:") + 1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT" + EXAMPLE);
        }
        String host = host(text, text.substring(0, colon));
        return new InetSocketAddress(host, port(text, text.substring(colon + 1), lowestPort));
    }

    private static String host(String text, String host) {
        if (host.startsWith("[")) {
            String address = host.substring(1, host.length() - 1);
            if (address.indexOf(':') < 0 || address.indexOf('[') >= 0 || address.indexOf(']') >= 0) {
                throw new IllegalArgumentException("'" + text + "' is not HOST:PORT" + EXAMPLE
                        + ": only an IPv6 address goes in brackets");
            }
            return address;
        }
        if (host.indexOf(':') >= 0 || host.indexOf(']') >= 0) {
            throw new IllegalArgumentException("'" + text + "' is ambiguous: put an IPv6 address in brackets,"
                    + " e.g. [::1]:7400");
        }
        return host;
    }

    private static int port(String text, String digits, int lowest) {
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        // Ten digits or more may not fit an int, and are out of range anyway.
        long port = digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (port < lowest || port > Ports.MAX) {
            throw new IllegalArgumentException("port " + digits + " is outside " + lowest + "-" + Ports.MAX);
        }
        return (int) port;
    }
}
