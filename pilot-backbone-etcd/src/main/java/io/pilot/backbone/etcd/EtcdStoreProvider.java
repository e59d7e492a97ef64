package io.pilot.backbone.etcd;

import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.backbone.DirectoryStoreProvider;

/** Opens {@code etcd://...} stores for {@code DirectoryStores.open} (pilotctl's {@code --store}, the Spring property). */
public final class EtcdStoreProvider implements DirectoryStoreProvider {

    @Override
    public String scheme() {
        return "etcd";
    }

    @Override
    public DirectoryStore open(String location, int realm, BackboneSettings settings) {
        return EtcdDirectoryStore.open(location, realm, settings.leaseTtl());
    }
}
