package io.pilot.engine.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Edwards25519 arithmetic in BigInteger (affine, slow, plain: for building test inputs no library would sign): points
 * of small order, keys and R values with a torsion part, encodings that are not canonical, and Ed25519 signatures
 * over them made by the RFC 8032 formulas.
 */
final class EdwardsPoints {

    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE);
    static final Point BASE = decode(java.util.HexFormat.of()
            .parseHex("5866666666666666666666666666666666666666666666666666666666666666"));

    private EdwardsPoints() {
    }

    record Point(BigInteger x, BigInteger y) {

        Point add(Point q) {
            BigInteger dxy = D.multiply(x).multiply(q.x).multiply(y).multiply(q.y).mod(P);
            BigInteger nx = x.multiply(q.y).add(q.x.multiply(y));
            BigInteger ny = y.multiply(q.y).add(x.multiply(q.x));
            return new Point(nx.multiply(BigInteger.ONE.add(dxy).modInverse(P)).mod(P),
                    ny.multiply(BigInteger.ONE.subtract(dxy).mod(P).modInverse(P)).mod(P));
        }

        Point negate() {
            return new Point(P.subtract(x).mod(P), y);
        }

        Point times(BigInteger n) {
            Point result = IDENTITY;
            for (int i = n.bitLength() - 1; i >= 0; i--) {
                result = result.add(result);
                if (n.testBit(i)) {
                    result = result.add(this);
                }
            }
            return result;
        }

        /** The RFC 8032 encoding: y little-endian, the sign of x in the top bit. */
        byte[] encode() {
            byte[] bytes = littleEndian(y);
            bytes[31] |= (byte) (x.testBit(0) ? 0x80 : 0);
            return bytes;
        }

        /** The X25519 u-coordinate of this point, (1 + y) / (1 - y), little-endian (null for y = 1). */
        byte[] montgomeryU() {
            BigInteger denominator = BigInteger.ONE.subtract(y).mod(P);
            return denominator.signum() == 0 ? null
                    : littleEndian(BigInteger.ONE.add(y).multiply(denominator.modInverse(P)).mod(P));
        }
    }

    /** The point a 32-byte encoding names, y taken modulo p (so non-canonical encodings decode too), or null. */
    static Point decode(byte[] encoded) {
        byte[] bytes = encoded.clone();
        boolean sign = (bytes[31] & 0x80) != 0;
        bytes[31] &= 0x7f;
        BigInteger y = fromLittleEndian(bytes).mod(P);
        BigInteger u = y.multiply(y).subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y).multiply(y).add(BigInteger.ONE).mod(P);
        BigInteger xx = u.multiply(v.modInverse(P)).mod(P);
        BigInteger x = xx.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).subtract(xx).mod(P).equals(BigInteger.ZERO)) {
            x = x.multiply(SQRT_M1).mod(P);
        }
        if (!x.multiply(x).subtract(xx).mod(P).equals(BigInteger.ZERO)) {
            return null;
        }
        if (x.testBit(0) != sign) {
            x = P.subtract(x).mod(P);
        }
        return new Point(x, y);
    }

    /** A point of exactly order 8: [L] of curve points until one is. */
    static Point torsionOfOrder8() {
        for (int y = 2; ; y++) {
            Point point = decode(littleEndian(BigInteger.valueOf(y)));
            if (point != null) {
                Point torsion = point.times(L);
                if (!torsion.times(BigInteger.valueOf(4)).equals(IDENTITY)) {
                    return torsion;
                }
            }
        }
    }

    /**
     * An Ed25519 signature by the RFC 8032 formulas with the scalar {@code a}, whatever the key {@code encodedKey}
     * and R are: S = r + k a mod L, k = SHA-512(R || key || message) mod L. With A = [a]B + T and R = [r]B + T',
     * only a verifier that ignores the torsion T, T' (or kills it) accepts.
     */
    static byte[] sign(BigInteger a, byte[] encodedKey, BigInteger r, byte[] encodedR, byte[] message) {
        BigInteger k = challenge(encodedR, encodedKey, message);
        byte[] signature = new byte[64];
        System.arraycopy(encodedR, 0, signature, 0, 32);
        System.arraycopy(littleEndian(r.add(k.multiply(a)).mod(L)), 0, signature, 32, 32);
        return signature;
    }

    static BigInteger challenge(byte[] encodedR, byte[] encodedKey, byte[] message) {
        try {
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            sha512.update(encodedR);
            sha512.update(encodedKey);
            sha512.update(message);
            return fromLittleEndian(sha512.digest()).mod(L);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] littleEndian(BigInteger n) {
        byte[] big = n.toByteArray();
        byte[] little = new byte[32];
        for (int i = 0; i < Math.min(32, big.length); i++) {
            little[i] = big[big.length - 1 - i];
        }
        return little;
    }

    static BigInteger fromLittleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            big[bytes.length - i] = bytes[i];
        }
        return new BigInteger(big);
    }
}
