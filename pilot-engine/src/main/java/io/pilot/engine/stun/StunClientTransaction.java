package io.pilot.engine.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * One Binding request and the wait for its answer, for a caller that owns the socket and the clock
 * (a Netty handler with its event loop's scheduler, or {@link StunClient} with a blocking socket).
 * The transaction does no I/O and keeps no timer: the caller sends {@link #request}, calls
 * {@link #transmitted()} to learn how long to wait, feeds received datagrams to {@link #accept} and
 * sends again when the wait ends while {@link #mayTransmit()}.
 *
 * <p>Retransmission follows RFC 8489 section 6.2.1: waits start at the RTO (500 ms by default) and
 * double after each of the {@value #MAX_TRANSMISSIONS} transmissions (Rc); after the last one the
 * client waits {@value #LAST_WAIT_RTOS} RTOs (Rm) more. With the default RTO the request goes out at
 * 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s and the transaction fails at 39.5 s.
 *
 * <p>The 96-bit transaction id is random (SecureRandom): answers are matched by it, so it must not be
 * guessable by someone who wants to feed the client a false address. Not thread-safe: drive it from
 * one thread.
 */
public final class StunClientTransaction {

    public static final Duration DEFAULT_RTO = Duration.ofMillis(500);
    /** Rc. */
    public static final int MAX_TRANSMISSIONS = 7;
    /** Rm: how many RTOs to wait after the last transmission. */
    public static final int LAST_WAIT_RTOS = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StunMessage request;
    private final Duration rto;
    private int transmissions;
    private boolean answered;
    private StunErrorCode rejection;

    private StunClientTransaction(Duration rto) {
        if (rto.isNegative() || rto.isZero()) {
            throw new IllegalArgumentException("RTO must be positive: " + rto);
        }
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(transactionId);
        this.request = StunMessage.builder(StunMessage.BINDING_REQUEST, transactionId).fingerprint().build();
        this.rto = rto;
    }

    public static StunClientTransaction start() {
        return new StunClientTransaction(DEFAULT_RTO);
    }

    /** With another initial RTO: RFC 8489 lets it follow the path's measured round-trip time. */
    public static StunClientTransaction start(Duration rto) {
        return new StunClientTransaction(rto);
    }

    /**
     * The request datagram, the same bytes for every transmission (a retransmission keeps the
     * transaction id). It carries FINGERPRINT so a server sharing its port with another protocol can
     * tell it apart. The caller owns the buffer.
     */
    public ByteBuf request(ByteBufAllocator allocator) {
        return request.encode(allocator);
    }

    /** A copy of the transaction id. */
    public byte[] transactionId() {
        return request.transactionId();
    }

    /** Whether the caller should (re)send the request: no answer yet and transmissions left. */
    public boolean mayTransmit() {
        return !answered && rejection == null && transmissions < MAX_TRANSMISSIONS;
    }

    /**
     * Records that the request was just sent and returns how long to wait for the answer before
     * sending again (or, after the last transmission, before giving up).
     *
     * @throws IllegalStateException if {@link #mayTransmit()} is false
     */
    public Duration transmitted() {
        if (!mayTransmit()) {
            throw new IllegalStateException("transaction is over: no more transmissions");
        }
        transmissions++;
        return transmissions < MAX_TRANSMISSIONS ? rto.multipliedBy(1L << (transmissions - 1))
                : rto.multipliedBy(LAST_WAIT_RTOS);
    }

    /** {@link #accept(ByteBuf)} for a datagram read from a Netty channel; does not release it. */
    public Optional<InetSocketAddress> accept(DatagramPacket datagram) {
        return accept(datagram.content());
    }

    /**
     * Looks at a received datagram: if it is the success response to this transaction, returns the
     * reflexive address it reports (XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS) and ends the transaction.
     * An error response to this transaction ends it too, see {@link #rejection()}. Anything else
     * (Pilot traffic, other transactions, garbage) is ignored. Neither moves the reader index nor
     * releases the buffer.
     */
    public Optional<InetSocketAddress> accept(ByteBuf datagram) {
        if (!StunDemultiplexer.isStun(datagram)) {
            return Optional.empty();
        }
        StunMessage.Decoded decoded = StunMessage.decode(datagram);
        if (!decoded.ok() || !Arrays.equals(decoded.message().transactionId(), request.transactionId())) {
            return Optional.empty();
        }
        StunMessage response = decoded.message();
        if (response.type() == StunMessage.BINDING_ERROR) {
            rejection = response.errorCode().orElse(new StunErrorCode(400, "error response without ERROR-CODE"));
            return Optional.empty();
        }
        if (response.type() != StunMessage.BINDING_SUCCESS) {
            return Optional.empty();
        }
        Optional<InetSocketAddress> reflexive = response.xorMappedAddress().or(response::mappedAddress);
        answered = reflexive.isPresent();
        return reflexive;
    }

    /** The server's error, if it answered this transaction with an error response. */
    public Optional<StunErrorCode> rejection() {
        return Optional.ofNullable(rejection);
    }
}
