package io.pilot.engine.store;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** A store's namespaces as comparable values (hex strings instead of arrays), for assertions. */
final class StoreContents {

    private StoreContents() {
    }

    static Map<String, Map<String, String>> of(JournaledStore store, String... namespaces) {
        Map<String, Map<String, String>> contents = new LinkedHashMap<>();
        for (String namespace : namespaces) {
            Map<String, String> entries = new LinkedHashMap<>();
            store.entries(namespace).forEach((key, value) -> entries.put(key, HexFormat.of().formatHex(value)));
            contents.put(namespace, entries);
        }
        return contents;
    }
}
