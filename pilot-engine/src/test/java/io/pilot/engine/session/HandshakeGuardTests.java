package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.DropReason;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeGuardTests {

    private static final byte[] NO_COOKIE = new byte[16];

    /** 10 initiations a second per source (burst 20), cookies above 1000 a second. */
    private final HandshakeGuard guard = new HandshakeGuard(SessionSettings.DEFAULTS.withHandshakeLimits(10, 1000, 4096),
            new SecureRandom(), 0);

    private HandshakeGuard.Verdict uncookied(Route from, boolean crowded) {
        return guard.admit(from, NO_COOKIE, false, crowded, 0);
    }

    private HandshakeGuard.Verdict cookied(Route from, boolean crowded) {
        return guard.admit(from, guard.cookieFor(from, 0), true, crowded, 0);
    }

    @Test
    void spoofedInitiationsThatSpendAnAddressesBudgetOnlyMakeItsOwnerShowACookie() {
        Route spoofer = Route.direct(new InetSocketAddress("192.0.2.7", 1111));
        Route victim = Route.direct(new InetSocketAddress("192.0.2.7", 2222));
        for (int i = 0; i < 20; i++) {
            assertThat(uncookied(spoofer, false)).isEqualTo(HandshakeGuard.Verdict.PROCEED);
        }
        assertThat(uncookied(spoofer, false)).isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
        assertThat(uncookied(victim, false)).as("the address's uncookied budget is spent")
                .isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
        assertThat(guard.lastDrop()).isEqualTo(DropReason.COOKIE_REQUIRED);

        assertThat(cookied(victim, false)).as("a cookie proves the victim and spends only its own budget")
                .isEqualTo(HandshakeGuard.Verdict.PROCEED);
    }

    @Test
    void whenCrowdedOnlyACookieAdmitsAndCookiesAreChargedToTheirSource() {
        Route source = Route.direct(new InetSocketAddress("192.0.2.8", 1000));
        assertThat(uncookied(source, true)).isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
        for (int i = 0; i < 20; i++) {
            assertThat(cookied(source, true)).isEqualTo(HandshakeGuard.Verdict.PROCEED);
        }
        assertThat(cookied(source, true)).isEqualTo(HandshakeGuard.Verdict.DROP);
        assertThat(guard.lastDrop()).isEqualTo(DropReason.RATE_LIMITED);
        assertThat(cookied(Route.direct(new InetSocketAddress("192.0.2.9", 1000)), true)).as("another source")
                .isEqualTo(HandshakeGuard.Verdict.PROCEED);
    }

    @Test
    void moreInitiationsASecondThanTheThresholdNeedCookiesEvenWhenTheTableIsEmpty() {
        HandshakeGuard busy = new HandshakeGuard(SessionSettings.DEFAULTS.withHandshakeLimits(1000, 3, 4096), new SecureRandom(), 0);
        for (int i = 0; i < 3; i++) {
            assertThat(busy.admit(Route.direct(new InetSocketAddress("192.0.2.1", 1000 + i)), NO_COOKIE, false, false, i))
                    .isEqualTo(HandshakeGuard.Verdict.PROCEED);
        }
        assertThat(busy.admit(Route.direct(new InetSocketAddress("192.0.2.1", 999)), NO_COOKIE, false, false, 3))
                .isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
        assertThat(busy.admit(Route.direct(new InetSocketAddress("192.0.2.1", 999)), NO_COOKIE, false, false, 1_000_000_000L))
                .as("a new second").isEqualTo(HandshakeGuard.Verdict.PROCEED);
    }

    @Test
    void addressesOfOneIpv6Slash64ShareTheirBudget() {
        for (int i = 0; i < 20; i++) {
            assertThat(uncookied(Route.direct(new InetSocketAddress("2001:db8:5:6::" + Integer.toHexString(i + 1), 1000)), false))
                    .isEqualTo(HandshakeGuard.Verdict.PROCEED);
        }
        assertThat(uncookied(Route.direct(new InetSocketAddress("2001:db8:5:6:ffff::1", 1000)), false))
                .isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
        assertThat(uncookied(Route.direct(new InetSocketAddress("2001:db8:5:7::1", 1000)), false))
                .as("the next /64").isEqualTo(HandshakeGuard.Verdict.PROCEED);
    }

    @Test
    void aRelayedCookieIsBoundToTheClaimedNodeAndIsNoDirectCookie() {
        Route relayed = Route.relayed(new PilotAddress(0, 0x1234_5678_9ABCL));
        byte[] cookie = guard.cookieFor(relayed, 0);
        assertThat(guard.admit(relayed, cookie, true, true, 0)).isEqualTo(HandshakeGuard.Verdict.PROCEED);
        assertThat(guard.admit(Route.relayed(new PilotAddress(0, 0x1234_5678_9ABDL)), cookie, true, true, 0))
                .isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
        assertThat(guard.admit(Route.direct(new InetSocketAddress("18.52.86.120", 0x9ABC)), cookie, true, true, 0))
                .isEqualTo(HandshakeGuard.Verdict.SEND_COOKIE);
    }
}
