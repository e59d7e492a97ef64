package io.pilot.engine.card;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An agent card's A2A {@code AgentCardSignature} (A2A §8.4): a JWS (RFC 7515) with the protected header
 * {@code {"alg":"EdDSA","kid":<Pilot address>,"typ":"JOSE"}} over the RFC 8785 canonical card without its
 * {@code signatures}, signed with the node's Ed25519 key (RFC 8037's EdDSA). The key id is the node's address, which
 * is derived from the key: a verifier takes the key from the directory and checks that it is that address's.
 */
public final class CardSignature {

    /** RFC 8037's name for Ed25519 signatures in JOSE. */
    public static final String ALGORITHM = "EdDSA";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private CardSignature() {
    }

    /** Replaces the card's {@code signatures} with one by {@code identity}, whose address is {@code address}. */
    public static ObjectNode sign(ObjectNode card, Identity identity, PilotAddress address) {
        if (!identity.publicKey().address(address.realm()).equals(address)) {
            throw new IllegalArgumentException(address + " is not the address of this identity's key");
        }
        ObjectNode header = MAPPER.createObjectNode().put("alg", ALGORITHM).put("kid", address.toString()).put("typ", "JOSE");
        String protectedHeader = ENCODER.encodeToString(Jcs.canonicalize(header));
        byte[] signature = identity.sign(signingInput(protectedHeader, card));
        card.remove("signatures");
        card.putArray("signatures").addObject().put("protected", protectedHeader)
                .put("signature", ENCODER.encodeToString(signature));
        return card;
    }

    /**
     * Checks the card's signature against the key the directory holds for the node the card names; returns that
     * node. Throws {@link CardException} naming the first thing wrong: unsigned, a header that is not Pilot's, a node
     * the directory does not know or knows at another address, or a signature that does not match the card.
     */
    public static KeyDirectory.Listing verify(JsonNode card, KeyDirectory directory) {
        if (card == null || !card.isObject()) {
            throw new CardException("the agent card is not a JSON object");
        }
        JsonNode params = MeshExtension.params(card).orElseThrow(() -> new CardException(
                "the agent card does not declare Pilot's extension " + MeshExtension.URI + ": it names no node to check it against"));
        String hostname = text(params, "hostname");
        PilotAddress claimed = address(text(params, "address"), "the extension's address");
        JsonNode signatures = card.path("signatures");
        if (!signatures.isArray() || signatures.isEmpty()) {
            throw new CardException("the agent card is unsigned (no signatures)");
        }
        KeyDirectory.Listing listed = directory.lookup(hostname);
        if (!listed.address().equals(claimed) || !listed.key().address(claimed.realm()).equals(claimed)) {
            throw new CardException("the card says " + hostname + " is " + claimed + ", but the directory's "
                    + hostname + " is " + listed.address());
        }
        CardException last = null;
        for (JsonNode signature : signatures) {
            try {
                check(signature, card, claimed, listed.key());
                return listed;
            } catch (CardException e) {
                last = e;
            }
        }
        throw last;
    }

    private static void check(JsonNode signature, JsonNode card, PilotAddress address, NodeKey key) {
        String protectedHeader = signature.path("protected").asString("");
        JsonNode header;
        byte[] value;
        try {
            header = MAPPER.readTree(Base64.getUrlDecoder().decode(protectedHeader));
            value = Base64.getUrlDecoder().decode(signature.path("signature").asString(""));
        } catch (IllegalArgumentException | JacksonException e) {
            throw new CardException("a signature's protected header or value is not base64url JSON: " + e.getMessage());
        }
        if (!ALGORITHM.equals(header.path("alg").asString(null))) {
            throw new CardException("a signature uses alg '" + header.path("alg").asString("") + "', not " + ALGORITHM);
        }
        if (!address.toString().equals(header.path("kid").asString(null))) {
            throw new CardException("a signature's key id '" + header.path("kid").asString("") + "' is not the card's node "
                    + address);
        }
        if (!key.verify(signingInput(protectedHeader, card), value)) {
            throw new CardException("the signature does not match the card: it was changed after it was signed, or "
                    + "signed with another key than the directory's for " + address);
        }
    }

    /** {@code BASE64URL(protected) '.' BASE64URL(JCS(card without signatures))}, in ASCII. */
    private static byte[] signingInput(String protectedHeader, JsonNode card) {
        ObjectNode payload = ((ObjectNode) card).deepCopy();
        payload.remove("signatures");
        return (protectedHeader + "." + ENCODER.encodeToString(Jcs.canonicalize(payload))).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(JsonNode params, String field) {
        String value = params.path(field).asString(null);
        if (value == null || value.isEmpty()) {
            throw new CardException("the card's Pilot extension has no '" + field + "'");
        }
        return value;
    }

    private static PilotAddress address(String text, String what) {
        try {
            return PilotAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CardException(what + " is not a Pilot address: " + e.getMessage());
        }
    }
}
