package io.pilot.engine.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The address layout shared by MAPPED-ADDRESS and XOR-MAPPED-ADDRESS: reserved byte, family, port,
 * address. XOR-MAPPED-ADDRESS obfuscates port and address with the header's cookie and transaction
 * id because some NATs rewrite any copy of the public address they find in a payload.
 */
final class StunAddress {

    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private StunAddress() {
    }

    /**
     * Encodes {@code address}; {@code xorKey} is the 16 header bytes after the length (cookie and
     * transaction id) for XOR-MAPPED-ADDRESS, or {@code null} for the plain form.
     */
    static byte[] encode(InetSocketAddress address, byte[] xorKey) {
        byte[] ip = address.getAddress().getAddress();
        byte[] value = new byte[4 + ip.length];
        value[1] = (byte) (ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        value[2] = (byte) (address.getPort() >>> 8);
        value[3] = (byte) address.getPort();
        System.arraycopy(ip, 0, value, 4, ip.length);
        if (xorKey != null) {
            applyXor(value, xorKey);
        }
        return value;
    }

    /** Decodes a value that {@link #problem} accepted; {@code xorKey} as for {@link #encode}. */
    static InetSocketAddress decode(byte[] value, byte[] xorKey) {
        byte[] plain = value.clone();
        if (xorKey != null) {
            applyXor(plain, xorKey);
        }
        byte[] ip = new byte[plain.length - 4];
        System.arraycopy(plain, 4, ip, 0, ip.length);
        int port = (plain[2] & 0xFF) << 8 | plain[3] & 0xFF;
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("an address of 4 or 16 bytes was refused", impossible);
        }
    }

    /** The first byte is reserved and ignored on receipt, as RFC 8489 says. */
    static String problem(byte[] value) {
        if (value.length < 2) {
            return "address attribute shorter than its family field";
        }
        int family = value[1];
        if (family == FAMILY_IPV4) {
            return value.length == 8 ? null : "IPv4 address attribute is not 8 bytes";
        }
        if (family == FAMILY_IPV6) {
            return value.length == 20 ? null : "IPv6 address attribute is not 20 bytes";
        }
        return "unknown address family " + family;
    }

    /** Port XOR the cookie's top half; address XOR the cookie (IPv4) or cookie and transaction id (IPv6). */
    private static void applyXor(byte[] value, byte[] xorKey) {
        for (int i = 2; i < value.length; i++) {
            value[i] ^= xorKey[i < 4 ? i - 2 : i - 4];
        }
    }
}
