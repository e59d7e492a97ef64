package io.pilot.engine.session;

import io.netty.channel.unix.Errors;

/** Recognises the kernel's refusal of a datagram larger than the interface carries, on a socket with the don't-fragment bit. */
final class MessageTooLong {

    /** EMSGSIZE on Linux, the only platform with epoll (and so with the don't-fragment bit set: {@code UdpSocket}). */
    static final int EMSGSIZE = 90;

    private MessageTooLong() {
    }

    /** Whether a write failed with {@code cause} because the datagram was too large to send unfragmented. */
    static boolean is(Throwable cause) {
        // Netty reports a failed system call with the errno negated.
        return cause instanceof Errors.NativeIoException e && Math.abs(e.expectedErr()) == EMSGSIZE;
    }
}
