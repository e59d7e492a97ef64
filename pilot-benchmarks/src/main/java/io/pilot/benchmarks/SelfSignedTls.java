package io.pilot.benchmarks;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.pilot.engine.net.TlsFiles;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import javax.net.ssl.SSLException;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS 1.3 contexts for the baseline: a throw-away self-signed ECDSA P-256 certificate for "localhost" /
 * 127.0.0.1, built in memory with Bouncy Castle's certificate builder (no keytool, no files, no network),
 * and server and client contexts on the JDK's own TLS provider.
 *
 * <p>The cipher suite is pinned to {@value #CIPHER_SUITE}: the JDK would otherwise pick AES-128-GCM, and the
 * comparison with Pilot's AES-256-GCM data packets would flatter TLS.
 */
public final class SelfSignedTls {

    /** TLS 1.3 suite with the same AEAD as Pilot's data packets. */
    public static final String CIPHER_SUITE = "TLS_AES_256_GCM_SHA384";

    /** The name the certificate is issued to and the client checks. */
    public static final String HOST = "localhost";

    private final SslContext server;
    private final SslContext client;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private SelfSignedTls(SslContext server, SslContext client, X509Certificate certificate, PrivateKey privateKey) {
        this.server = server;
        this.client = client;
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    public static SelfSignedTls create() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X509Certificate certificate = selfSign(keys);
            SslContext server = SslContextBuilder.forServer(keys.getPrivate(), certificate)
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .ciphers(List.of(CIPHER_SUITE))
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(certificate)
                    .protocols("TLSv1.3")
                    .ciphers(List.of(CIPHER_SUITE))
                    .build();
            return new SelfSignedTls(server, client, certificate, keys.getPrivate());
        } catch (GeneralSecurityException | SSLException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot set up the TLS baseline: " + e, e);
        }
    }

    private static X509Certificate selfSign(KeyPair keys)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        X500Name name = new X500Name("CN=" + HOST);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, HOST),
                new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    public SslContext server() {
        return server;
    }

    public SslContext client() {
        return client;
    }

    /**
     * The certificate and its key as PEM files (the key in PKCS#8) in a new temporary folder, deleted on exit: what a
     * backbone's {@code wss} listener is given ({@link TlsFiles}; the relay section's TLS row).
     */
    public TlsFiles pemFiles() {
        try {
            Path dir = Files.createTempDirectory("pilot-bench-tls");
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
            Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
            for (Path file : List.of(dir, cert, key)) {
                file.toFile().deleteOnExit();
            }
            return new TlsFiles(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the certificate: " + e, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
