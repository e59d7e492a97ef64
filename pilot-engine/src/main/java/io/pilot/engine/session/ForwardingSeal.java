package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.pilot.engine.crypto.Sha256;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.wire.ForwardPacket;
import io.pilot.engine.wire.WireFormat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tag of the FORWARD datagrams that backbones of one realm pass to each other. The backbones of a realm share
 * one identity, so they share this key without any exchange: it is the SHA-256 of the identity's Ed25519 signature
 * over a fixed label and the realm (Ed25519 signatures are deterministic, so every holder of the private key gets
 * the same bytes, and nobody else can). A FORWARD whose tag does not check came from something that is not a
 * backbone of the realm. Confined to the event loop (one {@link Mac}, reused).
 */
final class ForwardingSeal {

    private static final String HMAC_SHA256 = "HmacSHA256";

    private final Mac mac;

    ForwardingSeal(Identity identity, int realm) {
        byte[] label = ("pilot backbone forwarding v1, realm " + realm).getBytes(StandardCharsets.US_ASCII);
        byte[] key = Sha256.hash(identity.sign(label));
        try {
            mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", e);
        }
    }

    /** Fills in the tag of a FORWARD laid out by {@link ForwardPacket#wrap}. */
    ByteBuf seal(ByteBuf forward) {
        int start = forward.readerIndex();
        mac.update(forward.nioBuffer(start, ForwardPacket.TAG_OFFSET));
        mac.update(forward.nioBuffer(start + WireFormat.FORWARD_HEADER_LENGTH,
                forward.readableBytes() - WireFormat.FORWARD_HEADER_LENGTH));
        forward.setBytes(start + ForwardPacket.TAG_OFFSET, mac.doFinal(), 0, ForwardPacket.TAG_LENGTH);
        return forward;
    }

    /** Whether a received FORWARD was tagged by a holder of the realm's backbone identity. */
    boolean verify(ForwardPacket forward) {
        mac.update(forward.taggedHeader());
        ByteBuf inner = forward.inner();
        mac.update(inner.nioBuffer(inner.readerIndex(), inner.readableBytes()));
        byte[] expected = new byte[ForwardPacket.TAG_LENGTH];
        System.arraycopy(mac.doFinal(), 0, expected, 0, expected.length);
        return MessageDigest.isEqual(expected, forward.tag());
    }
}
