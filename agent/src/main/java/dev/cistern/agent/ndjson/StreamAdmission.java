package dev.cistern.agent.ndjson;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Which NDJSON stream names a client may write to. A stream the configuration names is always taken; a name only a
 * client chose is taken while fewer than {@code ingest.ndjson.max_streams} such names have been since the start. Each
 * stream holds an open segment per sealer lane (heap buffers, a native encoder) and a folder in the tree, so a client
 * inventing names must not be able to run the agent out of memory (358 names did, at the default heap, before this).
 */
public final class StreamAdmission {
    private static final Logger LOG = Logger.getLogger(StreamAdmission.class.getName());
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();
    private boolean warned; // once: every refusal is counted (reason too_many_streams), the log says it once

    /** {@code ingest.ndjson.max_streams} and the stream names the configuration itself names (not counted). */
    public record Limit(int max, Set<String> named) {
        public static final Limit DEFAULT = new Limit(32, Set.of("metrics"));

        public Limit {
            named = Set.copyOf(named);
        }
    }

    /** Whether rows for {@code stream} may be taken; true also records it among the admitted. */
    public boolean admit(String stream, Limit limit) {
        if (limit.named().contains(stream) || admitted.contains(stream)) return true;
        synchronized (this) {
            if (admitted.size() >= limit.max()) {
                if (!warned) {
                    warned = true;
                    LOG.warning("ingest.ndjson.max_streams (" + limit.max() + ") reached: NDJSON for stream names not in the"
                            + " configuration and not yet written is refused with 429 (the first: '" + stream
                            + "'); raise the key if such streams are wanted (each costs an open segment per lane)");
                }
                return false;
            }
            admitted.add(stream);
            return true;
        }
    }
}
