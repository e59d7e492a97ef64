package io.pilot.engine.natlab;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where everything in a lab lives. Only documentation and private ranges are used, and only inside the lab's
 * own namespaces, so nothing can leak to or clash with real networks:
 * <pre>
 *   public network  203.0.113.0/24 (TEST-NET-3), one L2 segment
 *     public host k       203.0.113.(10 + k)      k = 0..89, in declaration order
 *     router WAN, site i  203.0.113.(101 + i)     i = 0..149, in declaration order
 *   private network of site i  10.99.(1 + i).0/24
 *     router LAN          10.99.(1 + i).1         (the hosts' default gateway)
 *     host j              10.99.(1 + i).(10 + j)  j = 0..239
 * </pre>
 * Every site's network is distinct, so that a datagram reaching a peer from a private address could only
 * mean a routing mistake, never a coincidence.
 */
final class AddressPlan {

    static final int PREFIX_LENGTH = 24;
    static final int MAX_PUBLIC_HOSTS = 90;
    static final int MAX_SITES = 150;
    static final int MAX_HOSTS_PER_SITE = 240;

    private AddressPlan() {
    }

    static InetAddress publicHost(int index) {
        return address(203, 0, 113, 10 + index);
    }

    static InetAddress wan(int site) {
        return address(203, 0, 113, 101 + site);
    }

    static InetAddress gateway(int site) {
        return address(10, 99, 1 + site, 1);
    }

    static InetAddress privateHost(int site, int host) {
        return address(10, 99, 1 + site, 10 + host);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("four bytes are always an address", e);
        }
    }
}
