package io.pilot.engine.address;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

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

    /** {@code HOST:PORT} that {@link #parse} reads back: the address if resolved, IPv6 in brackets. */
    public static String format(InetSocketAddress endpoint) {
        String host = endpoint.isUnresolved() ? endpoint.getHostString() : endpoint.getAddress().getHostAddress();
        return (endpoint.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + endpoint.getPort();
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
