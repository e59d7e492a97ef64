package io.pilot.engine.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The client transaction without any socket: schedule, request, matching of answers. */
class StunClientTransactionTests {

    private static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.10", 3478);
    private static final InetSocketAddress MAPPED = new InetSocketAddress("198.51.100.20", 61000);

    @Test
    void retransmissionScheduleIsRfc8489s() {
        StunClientTransaction transaction = StunClientTransaction.start();
        List<Long> waits = new ArrayList<>();
        while (transaction.mayTransmit()) {
            waits.add(transaction.transmitted().toMillis());
        }
        // Sent at 0, 500, 1500, 3500, 7500, 15500, 31500 ms; failed at 39500 ms.
        assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 8000L);
        assertThat(waits.stream().mapToLong(Long::longValue).sum()).isEqualTo(39_500);
        assertThatThrownBy(transaction::transmitted).isInstanceOf(IllegalStateException.class);
        assertThat(StunClientTransaction.start(Duration.ofMillis(100)).transmitted()).hasMillis(100);
        assertThatThrownBy(() -> StunClientTransaction.start(Duration.ZERO)).hasMessageContaining("positive");
    }

    @Test
    void requestIsAFingerprintedBindingRequestWithARandomId() {
        StunClientTransaction transaction = StunClientTransaction.start();
        StunMessage request = decode(transaction);
        assertThat(request.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(request.fingerprinted()).isTrue();
        assertThat(request.attributes()).isEmpty();
        assertThat(request.transactionId()).isEqualTo(transaction.transactionId());
        assertThat(decode(transaction)).as("every transmission is the same request").isEqualTo(request);
        assertThat(StunClientTransaction.start().transactionId()).isNotEqualTo(transaction.transactionId());
    }

    @Test
    void theAnswerIsRecognisedByTransactionId() {
        StunClientTransaction transaction = StunClientTransaction.start();
        transaction.transmitted();
        StunMessage request = decode(transaction);

        byte[] otherId = transaction.transactionId();
        otherId[11] ^= 1;
        assertThat(accept(transaction, StunResponder.answer(
                StunMessage.builder(StunMessage.BINDING_REQUEST, otherId).build(), MAPPED))).isEmpty();
        assertThat(transaction.accept(Unpooled.wrappedBuffer(new byte[] {4, 1, 0, 0, 1, 2, 3, 4}))).isEmpty();
        assertThat(accept(transaction, StunMessage.answerTo(request, 0x0112).build())).isEmpty(); // other method
        assertThat(transaction.mayTransmit()).isTrue();

        assertThat(accept(transaction, StunResponder.answer(request, MAPPED))).contains(MAPPED);
        assertThat(transaction.mayTransmit()).isFalse();
    }

    @Test
    void mappedAddressServesWhenThereIsNoXorMappedAddress() {
        StunClientTransaction transaction = StunClientTransaction.start();
        StunMessage request = decode(transaction);
        assertThat(accept(transaction, StunMessage.answerTo(request, StunMessage.BINDING_SUCCESS).build())).isEmpty();
        assertThat(transaction.mayTransmit()).as("a success without an address is no answer").isTrue();
        assertThat(accept(transaction, StunMessage.answerTo(request, StunMessage.BINDING_SUCCESS)
                .mappedAddress(MAPPED).build())).contains(MAPPED);
    }

    @Test
    void anErrorResponseEndsTheTransaction() {
        StunClientTransaction transaction = StunClientTransaction.start();
        StunMessage request = decode(transaction);
        StunMessage error = StunMessage.answerTo(request, StunMessage.BINDING_ERROR)
                .errorCode(new StunErrorCode(500, "Server Error")).build();
        assertThat(accept(transaction, error)).isEmpty();
        assertThat(transaction.rejection()).contains(new StunErrorCode(500, "Server Error"));
        assertThat(transaction.mayTransmit()).isFalse();
    }

    private static StunMessage decode(StunClientTransaction transaction) {
        ByteBuf request = transaction.request(ByteBufAllocator.DEFAULT);
        try {
            return StunMessage.decode(request).message();
        } finally {
            request.release();
        }
    }

    private static Optional<InetSocketAddress> accept(StunClientTransaction transaction, StunMessage response) {
        DatagramPacket datagram = new DatagramPacket(response.encode(ByteBufAllocator.DEFAULT), MAPPED, SERVER);
        try {
            return transaction.accept(datagram);
        } finally {
            datagram.release();
        }
    }
}
