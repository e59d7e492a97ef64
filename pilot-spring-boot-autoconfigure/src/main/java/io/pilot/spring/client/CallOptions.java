package io.pilot.spring.client;

import io.pilot.engine.directory.Names;
import io.pilot.engine.message.Headers;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where one capability call goes and how: any provider (neither {@code hostname} nor {@code group}), the providers
 * in {@code group}, or the agent named {@code hostname}; within {@code timeout} (null: the node's request timeout; a
 * streamed call's idle limit); a streamed call ending within {@code deadline} (null: no total limit; a plain call
 * takes the shorter of the two); with {@code headers} besides Pilot's own. Checked as it is built, so a bad spec fails before anything is sent.
 */
record CallOptions(String capability, String hostname, String group, Duration timeout, Duration deadline,
        Map<String, String> headers) {

    /** Headers Pilot writes itself: a caller's value would be overwritten, or would lie about the request. */
    private static final Set<String> RESERVED = Set.of(Headers.CAPABILITY, Headers.CONTENT_TYPE, Headers.DEADLINE,
            Headers.ERROR_CODE, Headers.GROUP, Headers.TRACEPARENT, Headers.TRACESTATE);

    CallOptions {
        Names.checkCapability(capability);
        headers = Map.copyOf(headers);
    }

    static CallOptions anycast(String capability) {
        return new CallOptions(capability, null, null, null, null, Map.of());
    }

    CallOptions to(String hostnameOrAddress) {
        Objects.requireNonNull(hostnameOrAddress, "hostnameOrAddress");
        if (group != null) {
            throw new IllegalStateException(capability + ": a call goes to a named agent or to a group, not both (group "
                    + group + ", agent " + hostnameOrAddress + ")");
        }
        return new CallOptions(capability, hostnameOrAddress, null, timeout, deadline, headers);
    }

    CallOptions inGroup(String group) {
        Names.checkGroup(group);
        if (hostname != null) {
            throw new IllegalStateException(capability + ": a call goes to a named agent or to a group, not both (agent "
                    + hostname + ", group " + group + ")");
        }
        return new CallOptions(capability, null, group, timeout, deadline, headers);
    }

    CallOptions timeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(capability + ": the timeout must be positive, got " + timeout);
        }
        return new CallOptions(capability, hostname, group, timeout, deadline, headers);
    }

    CallOptions deadline(Duration deadline) {
        if (Objects.requireNonNull(deadline, "deadline").isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException(capability + ": the deadline must be positive, got " + deadline);
        }
        return new CallOptions(capability, hostname, group, timeout, deadline, headers);
    }

    CallOptions header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value of header " + name);
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(capability + ": header '" + name + "' is Pilot's own; pick another name");
        }
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new CallOptions(capability, hostname, group, timeout, deadline, more);
    }
}
