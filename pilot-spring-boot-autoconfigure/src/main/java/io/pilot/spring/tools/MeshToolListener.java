package io.pilot.spring.tools;

import java.util.List;

/** Hears that the tools a {@link MeshToolCatalog} offers changed: one added or removed, or its definition changed. */
@FunctionalInterface
public interface MeshToolListener {

    /**
     * The catalog's tools now, sorted by name. Called one change at a time, never with an older list after a newer
     * one; a change of providers alone (a replica joining) is not a change of the tools.
     */
    void toolsChanged(List<MeshTool> tools);
}
