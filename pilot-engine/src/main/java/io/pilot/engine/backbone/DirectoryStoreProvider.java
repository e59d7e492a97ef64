package io.pilot.engine.backbone;

/**
 * Opens a {@link DirectoryStore} named by a URL of its scheme ({@code etcd://HOST:PORT,...}); found with
 * {@link java.util.ServiceLoader}, so that the engine knows no store beyond its own journal. A module such as
 * {@code pilot-backbone-etcd} provides one ({@code META-INF/services/io.pilot.engine.backbone.DirectoryStoreProvider}).
 */
public interface DirectoryStoreProvider {

    /** The URL scheme it opens, without "://". */
    String scheme();

    /**
     * Opens the store and checks that it answers, so that a backbone with a wrong store fails at start.
     *
     * @param realm the realm of the backbone: a shared store keeps each realm apart
     * @throws IllegalArgumentException if the location is malformed, naming what is wrong
     * @throws IllegalStateException if the store cannot be reached or refuses the credentials, saying which
     */
    DirectoryStore open(String location, int realm, BackboneSettings settings);
}
