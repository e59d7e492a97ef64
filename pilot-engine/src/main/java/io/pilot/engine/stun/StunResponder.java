package io.pilot.engine.stun;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a Binding server answers, as a pure function of the request and the address it came from, so
 * the decision is testable without a channel.
 *
 * <p>An RFC 8489 request gets XOR-MAPPED-ADDRESS, MAPPED-ADDRESS (for clients that predate XOR),
 * SOFTWARE and FINGERPRINT. An RFC 3489 request (no magic cookie) gets what RFC 8489 section 12 asks
 * for: the cookie field echoed and MAPPED-ADDRESS only; SOFTWARE and FINGERPRINT are left out too,
 * since such clients do not know them (some refuse SOFTWARE, whose 3489 predecessor had to be a
 * multiple of 4 bytes long).
 *
 * <p>Comprehension-required attributes the server does not understand earn a 420 naming them. This
 * server has a single address, so it cannot honour a CHANGE-REQUEST that asks for another address or
 * port (RFC 5780 NAT behaviour discovery): such a request is refused the same way, which tells the
 * client that this server does not offer the test; a CHANGE-REQUEST asking for no change is obeyed.
 */
final class StunResponder {

    /** The SOFTWARE attribute of every RFC 8489 answer. */
    static final String SOFTWARE = "pilot";

    private static final Set<Integer> UNDERSTOOD = Set.of(StunAttribute.MAPPED_ADDRESS, StunAttribute.XOR_MAPPED_ADDRESS,
            StunAttribute.ERROR_CODE, StunAttribute.UNKNOWN_ATTRIBUTES, StunAttribute.CHANGE_REQUEST);

    private StunResponder() {
    }

    static StunMessage answer(StunMessage request, InetSocketAddress sender) {
        List<Integer> refused = refusedAttributes(request);
        boolean modern = request.hasMagicCookie();
        StunMessage.Builder answer;
        if (refused.isEmpty()) {
            answer = StunMessage.answerTo(request, StunMessage.BINDING_SUCCESS);
            if (modern) {
                answer.xorMappedAddress(sender);
            }
            answer.mappedAddress(sender);
        } else {
            answer = StunMessage.answerTo(request, StunMessage.BINDING_ERROR)
                    .errorCode(new StunErrorCode(StunErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute"))
                    .unknownAttributes(refused);
        }
        return modern ? answer.software(SOFTWARE).fingerprint().build() : answer.build();
    }

    private static List<Integer> refusedAttributes(StunMessage request) {
        Set<Integer> refused = new LinkedHashSet<>();
        for (StunAttribute attribute : request.attributes()) {
            int type = attribute.type();
            if (StunAttribute.isComprehensionRequired(type) && !UNDERSTOOD.contains(type)) {
                refused.add(type);
            }
        }
        if (request.changeRequest().orElse(0) != 0) {
            refused.add(StunAttribute.CHANGE_REQUEST);
        }
        return new ArrayList<>(refused);
    }
}
