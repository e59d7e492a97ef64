package io.pilot.engine.limit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The unit a per-source budget is kept for: a whole IPv4 address, or the /64 prefix of an IPv6 address. One
 * IPv6 host usually holds a whole /64 and can send from any of its 2^64 addresses, so budgets per /128 would
 * cost it nothing to multiply (WireGuard buckets IPv6 per /64 for the same reason).
 *
 * @param ipv6 whether {@code bits} are the high 64 bits of an IPv6 address (else an IPv4 address)
 * @param bits the IPv4 address, or the /64 prefix
 */
public record SourcePrefix(boolean ipv6, long bits) {

    public static SourcePrefix of(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return new SourcePrefix(false, ByteBuffer.wrap(bytes).getInt() & 0xFFFF_FFFFL);
        }
        return new SourcePrefix(true, ByteBuffer.wrap(bytes).getLong());
    }
}
