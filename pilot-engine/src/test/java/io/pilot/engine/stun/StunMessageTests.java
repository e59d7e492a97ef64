package io.pilot.engine.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

/** The codec: round trips, the RFC 5769 sample messages and one test per validation rule. */
class StunMessageTests {

    private static final byte[] ID = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");

    // RFC 5769 section 2.1 "Sample Request": SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME,
    // MESSAGE-INTEGRITY, FINGERPRINT; padding bytes are spaces (0x20), which receivers must ignore.
    private static final String RFC5769_REQUEST = "000100582112a442b7e7a701bc34d686fa87dfae"
            + "80220010" + "5354554e20746573742063" + "6c69656e74"
            + "00240004" + "6e0001ff"
            + "80290008" + "932ff9b151263b36"
            + "00060009" + "6576746a3a68367659202020"
            + "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004" + "e57a3bcf";

    // RFC 5769 section 2.2 "Sample IPv4 Response": mapped address 192.0.2.1 port 32853.
    private static final String RFC5769_IPV4_RESPONSE = "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200008" + "0001a147e112a643"
            + "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004" + "c07d4c96";

    // RFC 5769 section 2.3 "Sample IPv6 Response": 2001:db8:1234:5678:11:2233:4455:6677 port 32853.
    private static final String RFC5769_IPV6_RESPONSE = "010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004" + "c8fb0b4c";

    /*
     * The samples carry MESSAGE-INTEGRITY (HMAC-SHA1 with the password "VOkJxbRl1RmTxUk/WvJxBt"). This
     * package uses no credentials, so these tests do NOT verify MESSAGE-INTEGRITY: the attribute is only
     * decoded as an opaque 20-byte attribute. What is checked against the RFC is the framing, the
     * FINGERPRINT (a real CRC check: the decoder rejects a mismatch), SOFTWARE and XOR-MAPPED-ADDRESS.
     */

    @Test
    void rfc5769SampleRequestDecodesWithItsFingerprintVerified() {
        StunMessage request = decodeHex(RFC5769_REQUEST);
        assertThat(request.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(request.transactionId()).isEqualTo(ID);
        assertThat(request.fingerprinted()).isTrue();
        assertThat(request.software()).contains("STUN test client");
        assertThat(request.attributes()).extracting(StunAttribute::type)
                .containsExactly(StunAttribute.SOFTWARE, 0x0024, 0x8029, 0x0006, StunAttribute.MESSAGE_INTEGRITY);
        assertThat(request.attributes().get(3).value()).asString().isEqualTo("evtj:h6vY");
    }

    @Test
    void rfc5769SampleIpv4Response() {
        StunMessage response = decodeHex(RFC5769_IPV4_RESPONSE);
        assertThat(response.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(response.fingerprinted()).isTrue();
        assertThat(response.software()).contains("test vector");
        assertThat(response.xorMappedAddress()).contains(new InetSocketAddress("192.0.2.1", 32853));
    }

    @Test
    void rfc5769SampleIpv6Response() {
        StunMessage response = decodeHex(RFC5769_IPV6_RESPONSE);
        assertThat(response.fingerprinted()).isTrue();
        assertThat(response.xorMappedAddress())
                .contains(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
    }

    @Test
    void aChangedByteUnderTheFingerprintIsRejected() {
        byte[] bytes = HexFormat.of().parseHex(RFC5769_IPV4_RESPONSE);
        bytes[bytes.length - 1] ^= 1;
        assertThat(decode(bytes).error()).isEqualTo("FINGERPRINT does not match");
        bytes = HexFormat.of().parseHex(RFC5769_IPV4_RESPONSE);
        bytes[30] ^= 1; // inside SOFTWARE
        assertThat(decode(bytes).error()).isEqualTo("FINGERPRINT does not match");
    }

    @Test
    void bindingExchangeRoundTrips() {
        InetSocketAddress v4 = new InetSocketAddress("203.0.113.7", 50000);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::1", 65535);
        List<StunMessage> messages = List.of(
                StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build(),
                StunMessage.builder(StunMessage.BINDING_REQUEST, ID).fingerprint().build(),
                StunMessage.builder(StunMessage.BINDING_SUCCESS, ID).xorMappedAddress(v4).mappedAddress(v4)
                        .software("pilot").fingerprint().build(),
                StunMessage.builder(StunMessage.BINDING_SUCCESS, ID).xorMappedAddress(v6).mappedAddress(v6).build(),
                StunMessage.builder(StunMessage.BINDING_ERROR, ID)
                        .errorCode(new StunErrorCode(420, "Unknown Attribute"))
                        .unknownAttributes(List.of(0x0006, 0x7FFF, 0x0008)).software("pilot").fingerprint().build());
        for (StunMessage message : messages) {
            StunMessage decoded = roundTrip(message);
            assertThat(decoded).isEqualTo(message);
            assertThat(decoded.hasMagicCookie()).isTrue();
        }
        assertThat(messages.get(2).xorMappedAddress()).contains(v4);
        assertThat(messages.get(2).mappedAddress()).contains(v4);
        assertThat(messages.get(2).software()).contains("pilot");
        assertThat(messages.get(3).xorMappedAddress()).contains(v6);
        assertThat(roundTrip(messages.get(4)).errorCode()).contains(new StunErrorCode(420, "Unknown Attribute"));
        assertThat(roundTrip(messages.get(4)).unknownAttributes()).containsExactly(0x0006, 0x7FFF, 0x0008);
    }

    @Test
    void xorMappedAddressIsObfuscatedOnTheWire() {
        InetSocketAddress address = new InetSocketAddress("192.0.2.1", 32853);
        StunMessage message = StunMessage.builder(StunMessage.BINDING_SUCCESS, ID).xorMappedAddress(address).build();
        // The very bytes of the RFC 5769 IPv4 sample: family 1, port 0xa147, address e112a643.
        assertThat(message.attributes().get(0).value()).isEqualTo(HexFormat.of().parseHex("0001a147e112a643"));
    }

    @Test
    void classicBindingRequestKeepsItsCookieFieldAndIsAnsweredInKind() {
        byte[] bytes = HexFormat.of().parseHex("00010008" + "0153b1f3" + "be3aea0d4b66eb229fe00032" + "0003000400000000");
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        assertThat(StunMessage.decode(in).error()).isEqualTo("no magic cookie");
        StunMessage request = StunMessage.decodeClassicBindingRequest(in).message();
        assertThat(request.hasMagicCookie()).isFalse();
        assertThat(request.magicCookie()).isEqualTo(0x0153b1f3);
        assertThat(request.changeRequest()).hasValue(0);

        StunMessage answer = StunMessage.answerTo(request, StunMessage.BINDING_SUCCESS)
                .mappedAddress(new InetSocketAddress("127.0.0.1", 40001)).build();
        ByteBuf encoded = answer.encode(ByteBufAllocator.DEFAULT);
        try {
            assertThat(ByteBufUtil.hexDump(encoded, 4, 16)).isEqualTo("0153b1f3be3aea0d4b66eb229fe00032");
        } finally {
            encoded.release();
        }
        assertThat(StunMessage.decodeClassicBindingRequest(Unpooled.wrappedBuffer(HexFormat.of()
                .parseHex("01010000" + "0153b1f3" + "be3aea0d4b66eb229fe00032"))).error())
                .isEqualTo("RFC 3489 message other than a Binding request");
    }

    @Test
    void headerRulesAreEnforced() {
        String header = "00010000" + "2112a442" + "b7e7a701bc34d686fa87dfae";
        assertThat(decodeHex(header).attributes()).isEmpty();
        assertThat(decode(HexFormat.of().parseHex(header.substring(0, 38))).error())
                .isEqualTo("shorter than a STUN header: 19 bytes");
        assertThat(decode(hex("c0010000" + header.substring(8))).error())
                .isEqualTo("top two bits of the message type are not zero");
        assertThat(decode(hex("00010002" + header.substring(8) + "0000")).error())
                .isEqualTo("message length 2 is not a multiple of 4");
        assertThat(decode(hex("00010004" + header.substring(8))).error())
                .isEqualTo("message length 4 but 0 bytes follow the header");
        assertThat(decode(hex("00010000" + header.substring(8) + "00000000")).error())
                .isEqualTo("message length 0 but 4 bytes follow the header");
        assertThat(decode(hex("00010000" + "2112a443" + header.substring(16))).error()).isEqualTo("no magic cookie");
    }

    @Test
    void attributeRulesAreEnforced() {
        assertThat(decodeBody("80220005" + "70696c6f74000000").message().software()).contains("pilot");
        assertThat(decodeBody("80220009" + "70696c6f74000000").error())
                .isEqualTo("attribute 0x8022 of 9 bytes runs past the end of the message");
        assertThat(decodeBody("80220006" + "70696c6f").error())
                .isEqualTo("attribute 0x8022 of 6 bytes runs past the end of the message");
        assertThat(decodeBody("00200008" + "0003a147e112a643").error()).isEqualTo("unknown address family 3");
        assertThat(decodeBody("00200004" + "0001a147").error()).isEqualTo("IPv4 address attribute is not 8 bytes");
        assertThat(decodeBody("00010008" + "0002a147e112a643").error()).isEqualTo("IPv6 address attribute is not 20 bytes");
        assertThat(decodeBody("00010001" + "00000000").error()).isEqualTo("address attribute shorter than its family field");
        assertThat(decodeBody("00090004" + "00000200").error())
                .isEqualTo("ERROR-CODE class 2 number 0 is not a code from 300 to 699");
        assertThat(decodeBody("00090004" + "00000464").error())
                .isEqualTo("ERROR-CODE class 4 number 100 is not a code from 300 to 699");
        assertThat(decodeBody("00090002" + "00000000").error()).isEqualTo("ERROR-CODE shorter than 4 bytes");
        assertThat(decodeBody("000a0003" + "00060000").error()).isEqualTo("UNKNOWN-ATTRIBUTES has an odd length");
        assertThat(decodeBody("00030002" + "00000000").error()).isEqualTo("CHANGE-REQUEST is not 4 bytes");
        assertThat(decodeBody("80280002" + "00000000").error()).isEqualTo("FINGERPRINT is not 4 bytes");
        assertThat(decodeBody("80220300" + "00".repeat(768)).error()).isEqualTo("SOFTWARE is longer than 763 bytes");
    }

    @Test
    void nothingMayFollowTheFingerprint() {
        // A correct FINGERPRINT (computed over a header whose length counts the trailing attribute too)
        // followed by an empty SOFTWARE: only the ordering rule can object.
        ByteBuf message = Unpooled.buffer().writeShort(StunMessage.BINDING_REQUEST).writeShort(12)
                .writeInt(StunMessage.MAGIC_COOKIE).writeBytes(ID);
        CRC32 crc = new CRC32();
        crc.update(message.nioBuffer());
        message.writeInt(0x80280004).writeInt((int) crc.getValue() ^ 0x5354554E).writeInt(0x80220000);
        assertThat(StunMessage.decode(message).error()).isEqualTo("attribute after FINGERPRINT");
    }

    @Test
    void attributeCountIsCapped() {
        assertThat(decodeBody("80230000".repeat(StunMessage.MAX_ATTRIBUTES)).message().attributes())
                .hasSize(StunMessage.MAX_ATTRIBUTES);
        assertThat(decodeBody("80230000".repeat(StunMessage.MAX_ATTRIBUTES + 1)).error())
                .isEqualTo("more than 32 attributes");
    }

    @Test
    void builderRefusesWhatCouldNotBeDecoded() {
        StunMessage.Builder builder = StunMessage.builder(StunMessage.BINDING_REQUEST, ID);
        assertThatThrownBy(() -> builder.attribute(StunAttribute.FINGERPRINT, new byte[4]))
                .hasMessageContaining("fingerprint()");
        assertThatThrownBy(() -> builder.attribute(StunAttribute.XOR_MAPPED_ADDRESS, new byte[3]))
                .hasMessage("unknown address family 0");
        assertThatThrownBy(() -> builder.software("x".repeat(764))).hasMessage("SOFTWARE is longer than 763 bytes");
        assertThatThrownBy(() -> StunMessage.builder(0x4001, ID)).hasMessageContaining("14 bits");
        assertThatThrownBy(() -> StunMessage.builder(1, new byte[16])).hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> new StunErrorCode(700, "")).hasMessageContaining("300 to 699");
        for (int i = 0; i < StunMessage.MAX_ATTRIBUTES; i++) {
            builder.attribute(0x8023, new byte[0]);
        }
        assertThatThrownBy(builder.fingerprint()::build).hasMessage("more than 32 attributes");
        StunMessage.Builder big = StunMessage.builder(StunMessage.BINDING_REQUEST, ID)
                .attribute(0x8023, new byte[0xFFFF]);
        assertThatThrownBy(big::build).hasMessageContaining("message body longer than");
    }

    private static StunMessage roundTrip(StunMessage message) {
        ByteBuf encoded = message.encode(ByteBufAllocator.DEFAULT);
        try {
            StunMessage.Decoded decoded = StunMessage.decode(encoded);
            assertThat(decoded.error()).isNull();
            return decoded.message();
        } finally {
            encoded.release();
        }
    }

    /** A message with the given attribute bytes after an RFC 8489 header whose length fits them. */
    private static StunMessage.Decoded decodeBody(String attributesHex) {
        byte[] body = HexFormat.of().parseHex(attributesHex);
        ByteBuf in = Unpooled.buffer().writeShort(StunMessage.BINDING_REQUEST).writeShort(body.length)
                .writeInt(StunMessage.MAGIC_COOKIE).writeBytes(ID).writeBytes(body);
        return StunMessage.decode(in);
    }

    private static StunMessage decodeHex(String hex) {
        StunMessage.Decoded decoded = decode(hex(hex));
        assertThat(decoded.error()).isNull();
        return decoded.message();
    }

    private static StunMessage.Decoded decode(byte[] bytes) {
        return StunMessage.decode(Unpooled.wrappedBuffer(bytes));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
