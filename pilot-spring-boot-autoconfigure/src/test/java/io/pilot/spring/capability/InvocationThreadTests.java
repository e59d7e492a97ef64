package io.pilot.spring.capability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvocationThreadTests {

    @Test
    void interruptsTheThreadOnlyWhileItRunsTheInvocationAndLeavesItUninterrupted() {
        InvocationThread running = InvocationThread.current();
        running.interrupt();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();

        running.close();
        assertThat(Thread.currentThread().isInterrupted()).as("a pending interrupt is cleared at the end").isFalse();

        running.interrupt(); // a cancel that comes after the invocation returned
        assertThat(Thread.currentThread().isInterrupted()).as("the thread has moved on").isFalse();
    }

    @Test
    void anInterruptOfTheThreadsOwnIsLeftAlone() {
        try (InvocationThread running = InvocationThread.current()) {
            Thread.currentThread().interrupt(); // not the cancellation's: not for the invocation to clear
        }
        assertThat(Thread.interrupted()).isTrue();
    }
}
