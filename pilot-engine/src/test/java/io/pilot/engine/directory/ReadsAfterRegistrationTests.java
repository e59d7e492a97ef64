package io.pilot.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.codec.BinaryWriter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class ReadsAfterRegistrationTests {

    private final FakeBackbone backbone = new FakeBackbone();
    private final CompletableFuture<Object> registration = new CompletableFuture<>();
    private final ReadsAfterRegistration reads = new ReadsAfterRegistration(backbone, this::registered, registration::copy,
            Duration.ofSeconds(5));

    private boolean registered() {
        return registration.isDone() && !registration.isCompletedExceptionally();
    }

    private static BinaryWriter notRegistered() {
        return new BinaryWriter().u8(1 + DirectoryError.NOT_REGISTERED.ordinal())
                .bytes16("only a registered node may look up".getBytes(StandardCharsets.UTF_8));
    }

    private CompletableFuture<Long> lookup() {
        return reads.call(new byte[] {DirectoryProtocol.OP_LOOKUP}, reply -> reply.u32());
    }

    @Test
    void aLookupRefusedWhileThisNodeRegistersIsAskedAgainOnceItIs() {
        backbone.reply(notRegistered()).reply(DirectoryProtocol.ok().u32(7));
        CompletableFuture<Long> found = lookup();
        assertThat(found).isNotDone();

        registration.complete("registered");
        assertThat(found.join()).isEqualTo(7);
        assertThat(backbone.requests).hasSize(2);
    }

    @Test
    void aRefusalThatArrivesAfterTheRegistrationCompletedIsAskedAgainToo() {
        CompletableFuture<byte[]> refusal = new CompletableFuture<>();
        backbone.later(refusal).reply(DirectoryProtocol.ok().u32(7));
        CompletableFuture<Long> found = lookup();
        registration.complete("registered"); // the registration completes while the refusal is on its way
        refusal.complete(notRegistered().toBytes());

        assertThat(found.join()).isEqualTo(7);
    }

    @Test
    void aLookupRefusedAfterThisNodeRegisteredIsALapsedLeaseAndFails() {
        registration.complete("registered");
        backbone.reply(notRegistered());

        assertThatThrownBy(() -> lookup().join()).cause().isInstanceOfSatisfying(DirectoryException.class,
                e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_REGISTERED));
        assertThat(backbone.requests).hasSize(1);
    }

    @Test
    void aRegistrationThatFailedFailsTheLookupWithItsReason() {
        backbone.reply(notRegistered());
        CompletableFuture<Long> found = lookup();
        registration.completeExceptionally(new DirectoryException(DirectoryError.JOIN_TOKEN_INVALID, "the join token is not valid"));

        assertThatThrownBy(found::join).cause().isInstanceOfSatisfying(DirectoryException.class,
                e -> assertThat(e.error()).isEqualTo(DirectoryError.JOIN_TOKEN_INVALID));
    }

    @Test
    void otherFailuresPassUntouchedAndNoRegistrationWithinTheTimeoutKeepsTheRefusal() {
        backbone.reply(new BinaryWriter().u8(1 + DirectoryError.TOO_MANY.ordinal()).bytes16(new byte[0]));
        assertThatThrownBy(() -> lookup().join()).cause().isInstanceOfSatisfying(DirectoryException.class,
                e -> assertThat(e.error()).isEqualTo(DirectoryError.TOO_MANY));

        ReadsAfterRegistration impatient = new ReadsAfterRegistration(backbone, this::registered, registration::copy,
                Duration.ofMillis(50));
        backbone.reply(notRegistered());
        assertThatThrownBy(() -> impatient.call(new byte[] {DirectoryProtocol.OP_LOOKUP}, reply -> reply.u32()).join())
                .cause().isInstanceOfSatisfying(DirectoryException.class,
                        e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_REGISTERED));
    }
}
