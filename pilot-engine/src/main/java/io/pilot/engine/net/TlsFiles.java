package io.pilot.engine.net;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The certificate chain and private key a backbone serves {@code wss} with: PEM files, the key in PKCS#8
 * ({@code openssl genpkey} writes it so).
 */
public record TlsFiles(Path certificate, Path privateKey) {

    /**
     * Checks that the files make a server context, before anything is started with them.
     *
     * @return this
     * @throws IllegalArgumentException naming the file that is missing or unreadable, or why the pair is unusable
     */
    public TlsFiles checked() {
        serverContext();
        return this;
    }

    /** The server context; a missing or unreadable file is named in the error. */
    SslContext serverContext() {
        for (Path file : new Path[] {certificate, privateKey}) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("TLS file " + file + " does not exist or cannot be read");
            }
        }
        try {
            return SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile()).build();
        } catch (Exception | Error e) {
            throw new IllegalArgumentException("cannot use TLS certificate " + certificate + " with key " + privateKey
                    + " (PEM, key in PKCS#8): " + e.getMessage(), e);
        }
    }
}
