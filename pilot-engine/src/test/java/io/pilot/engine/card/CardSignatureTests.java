package io.pilot.engine.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class CardSignatureTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Identity agent = Identity.generate(RANDOM);
    private final PilotAddress address = agent.publicKey().address(1);
    private final KeyDirectory directory = hostname -> {
        if (!hostname.equals("papers")) {
            throw new CardException("no live node is called '" + hostname + "'");
        }
        return new KeyDirectory.Listing("papers", address, agent.publicKey());
    };

    private ObjectNode card(PilotAddress at, String hostname) {
        ObjectNode card = MAPPER.createObjectNode().put("name", "papers").put("description", "Finds papers; 4.50 € each")
                .put("version", "1.0.0");
        ObjectNode extension = card.putObject("capabilities").putArray("extensions").addObject()
                .put("uri", MeshExtension.URI).put("required", false);
        extension.putObject("params").put("address", at.toString()).put("hostname", hostname)
                .putObject("schemas").putObject("papers.search").putObject("input").put("minimum", 0.5);
        card.putArray("skills").addObject().put("id", "papers.search").put("name", "papers.search");
        return card;
    }

    @Test
    void aSignedCardVerifiesWithTheDirectorysKeyEvenWhenRewrittenByAnotherSerializer() {
        ObjectNode card = CardSignature.sign(card(address, "papers"), agent, address);
        JsonNode header = MAPPER.readTree(Base64.getUrlDecoder().decode(card.path("signatures").get(0).path("protected").asString()));
        assertThat(header.path("alg").asString()).isEqualTo("EdDSA");
        assertThat(header.path("kid").asString()).isEqualTo(address.toString());
        assertThat(header.path("typ").asString()).isEqualTo("JOSE");

        // Pretty-printed and read back (members in another order, other whitespace): the same canonical bytes.
        JsonNode reread = MAPPER.readTree(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(card));
        assertThat(CardSignature.verify(reread, directory).address()).isEqualTo(address);
    }

    @Test
    void aCardChangedAfterSigningIsRefusedSayingSo() {
        ObjectNode card = CardSignature.sign(card(address, "papers"), agent, address);
        card.put("description", "Finds papers for free");
        assertThatThrownBy(() -> CardSignature.verify(card, directory)).isInstanceOf(CardException.class)
                .hasMessageContaining("does not match the card");
    }

    @Test
    void anUnsignedCardIsRefused() {
        assertThatThrownBy(() -> CardSignature.verify(card(address, "papers"), directory))
                .isInstanceOf(CardException.class).hasMessageContaining("unsigned");
    }

    @Test
    void aCardSignedByAnotherKeyForTheSameNodeIsRefused() {
        Identity impostor = Identity.generate(RANDOM);
        PilotAddress impostorAddress = impostor.publicKey().address(1);
        // The impostor signs a card that names itself at its own address under the genuine hostname.
        ObjectNode forged = CardSignature.sign(card(impostorAddress, "papers"), impostor, impostorAddress);
        assertThatThrownBy(() -> CardSignature.verify(forged, directory)).isInstanceOf(CardException.class)
                .hasMessageContaining("the directory's papers is " + address);
        // Or claims the genuine address, signing with its own key under the genuine key id.
        ObjectNode claimed = card(address, "papers");
        ObjectNode signedByImpostor = CardSignature.sign(claimed.deepCopy(), impostor, impostorAddress);
        ObjectNode relabelled = signedByImpostor.deepCopy();
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"alg\":\"EdDSA\",\"kid\":\""
                + address + "\",\"typ\":\"JOSE\"}").getBytes(StandardCharsets.UTF_8));
        ((ObjectNode) relabelled.path("signatures").get(0)).put("protected", header);
        assertThatThrownBy(() -> CardSignature.verify(relabelled, directory)).isInstanceOf(CardException.class)
                .hasMessageContaining("does not match the card");
    }

    @Test
    void aSignatureWithAnotherAlgorithmOrJunkIsRefusedByName() {
        ObjectNode card = CardSignature.sign(card(address, "papers"), agent, address);
        ObjectNode signature = (ObjectNode) card.path("signatures").get(0);
        signature.put("protected", Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> CardSignature.verify(card, directory)).hasMessageContaining("alg 'none'");
        signature.put("protected", "%%%");
        assertThatThrownBy(() -> CardSignature.verify(card, directory)).hasMessageContaining("not base64url JSON");
    }

    @Test
    void aCardWithoutPilotsExtensionOrForAnUnknownNodeIsRefused() {
        ObjectNode bare = MAPPER.createObjectNode().put("name", "x");
        assertThatThrownBy(() -> CardSignature.verify(bare, directory)).hasMessageContaining(MeshExtension.URI);
        ObjectNode stranger = CardSignature.sign(card(address, "news"), agent, address);
        assertThatThrownBy(() -> CardSignature.verify(stranger, directory)).hasMessageContaining("no live node is called 'news'");
        assertThatThrownBy(() -> CardSignature.verify(MAPPER.readTree("[1]"), directory)).hasMessageContaining("not a JSON object");
    }

    @Test
    void signingUnderAnAddressThatIsNotTheKeysIsRefused() {
        PilotAddress other = Identity.generate(RANDOM).publicKey().address(1);
        assertThatThrownBy(() -> CardSignature.sign(card(other, "papers"), agent, other))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
