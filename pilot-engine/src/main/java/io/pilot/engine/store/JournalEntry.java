package io.pilot.engine.store;

import java.util.Objects;

/**
 * One mutation as the journal records it. A snapshot is made of the same entries (puts only), so both
 * files share one codec, {@link EntryCodec}.
 */
record JournalEntry(Kind kind, String namespace, String key, byte[] value) {

    private static final byte[] NO_VALUE = new byte[0];

    /** The entry kinds and their code on disk. */
    enum Kind {
        PUT((byte) 1),
        REMOVE((byte) 2);

        final byte code;

        Kind(byte code) {
            this.code = code;
        }

        /** The kind with this code, or {@code null} for a code this format version does not define. */
        static Kind of(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            return null;
        }
    }

    JournalEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (kind == Kind.REMOVE && value.length != 0) {
            throw new IllegalArgumentException("a remove carries no value");
        }
    }

    static JournalEntry put(String namespace, String key, byte[] value) {
        return new JournalEntry(Kind.PUT, namespace, key, value);
    }

    static JournalEntry remove(String namespace, String key) {
        return new JournalEntry(Kind.REMOVE, namespace, key, NO_VALUE);
    }
}
