package io.pilot.engine.backbone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Opens the directory store a backbone is configured with: none, a journal folder, or a provider's URL. */
public final class DirectoryStores {

    private DirectoryStores() {
    }

    /**
     * @param location null (nothing kept), a folder for the {@link JournaledDirectoryStore}, or
     *                 {@code SCHEME://...} for the {@link DirectoryStoreProvider} of that scheme
     * @throws IllegalArgumentException for a scheme no provider on the class path opens, or a malformed URL
     * @throws IllegalStateException if the store cannot be opened, saying why
     */
    public static DirectoryStore open(String location, int realm, BackboneSettings settings) {
        if (location == null) {
            return DirectoryStore.none();
        }
        int scheme = location.indexOf("://");
        if (scheme > 0) {
            return provider(location.substring(0, scheme)).open(location, realm, settings);
        }
        try {
            return JournaledDirectoryStore.open(Path.of(location));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot open the directory store " + location + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why {@code location} cannot be opened for want of a module, or null if it can be tried: for a configuration to
     * fail at start-up with the module to add, before anything is opened.
     */
    public static String missingProvider(String location) {
        int scheme = location.indexOf("://");
        if (scheme <= 0) {
            return null;
        }
        try {
            provider(location.substring(0, scheme));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static DirectoryStoreProvider provider(String scheme) {
        List<String> known = new ArrayList<>();
        for (DirectoryStoreProvider provider : ServiceLoader.load(DirectoryStoreProvider.class)) {
            if (provider.scheme().equalsIgnoreCase(scheme)) {
                return provider;
            }
            known.add(provider.scheme());
        }
        throw new IllegalArgumentException("no directory store for '" + scheme + "://' on the class path (known: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + "); for etcd add the module pilot-backbone-etcd"
                + " (io.pilot:pilot-backbone-etcd)");
    }
}
