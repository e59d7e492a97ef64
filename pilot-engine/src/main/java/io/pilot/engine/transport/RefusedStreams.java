package io.pilot.engine.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Peer streams this side answered without keeping a {@link Stream}: those refused past
 * {@link TransportConfig#maxIncomingStreams()} and those the peer opened with a RESET_STREAM. Each is answered with a
 * stateless RESET_STREAM; what is remembered is only how many bytes of connection credit it used, so that data and
 * the final size that the peer sends on it until it hears the answer are counted once (the peer counts them against
 * the same credit). The newest {@value #MAX_TRACKED} are remembered: a peer that leaves more refusals unanswered
 * than that gets its later frames on the oldest ignored, like frames for any freed stream, and so only spends
 * credit it will not get back.
 */
final class RefusedStreams {

    static final int MAX_TRACKED = 1024;

    private final Map<Integer, Long> highest = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Long> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    /** Records a refused stream that has used {@code bytes} of credit so far. */
    void add(int id, long bytes) {
        highest.put(id, bytes);
    }

    /** The credit a remembered refused stream has used, or -1 if it is not (or no longer) remembered. */
    long highest(int id) {
        Long h = highest.get(id);
        return h == null ? -1 : h;
    }

    void update(int id, long bytes) {
        highest.replace(id, bytes);
    }

    /** The peer's RESET_STREAM settled the stream's final size: nothing more will come. */
    void forget(int id) {
        highest.remove(id);
    }

    int size() {
        return highest.size();
    }
}
