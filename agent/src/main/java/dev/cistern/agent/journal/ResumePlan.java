package dev.cistern.agent.journal;

import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the sealer resumes after a restart, read from sealed output alone. Each sealed segment
 * names the highest journal index whose rows it holds (its source), and no journal entry's rows
 * for a stream are split across segments. Let M be the highest source over all sealed files.
 * The sealer handles entries in order, so every entry before M was fully written for every
 * stream before the segment holding M was sealed; entry M itself may have been written for some
 * streams only. Hence, with P(s) the highest source among stream s's sealed files:
 * <ul>
 *   <li>a stream whose open segment was discarded at recovery has exactly the rows of entries up
 *       to P(s): later entries are replayed for it;</li>
 *   <li>any other stream has every row of entries before M (rows after P(s) would have been in an
 *       open segment) and of entries up to P(s): entry M is replayed for it unless P(s) ≥ M.</li>
 * </ul>
 * Uploaded files count as sealed (their names are kept in {@code uploaded/}).
 */
public final class ResumePlan {
    private final Map<String, Long> highest;
    private final Set<String> discarded;
    private final long m;
    private final long resumeAt;

    private ResumePlan(Map<String, Long> highest, Set<String> discarded, long m, long resumeAt) {
        this.highest = highest;
        this.discarded = discarded;
        this.m = m;
        this.resumeAt = resumeAt;
    }

    public static ResumePlan fromSealedOutput(SpoolLayout layout, Set<String> discardedStreams) throws IOException {
        Map<String, Long> highest = new HashMap<>();
        for (Path root : new Path[] {layout.sealed(), layout.uploaded()}) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> files = Files.walk(root)) {
                files.forEach(p -> {
                    SegmentName n = SegmentName.tryParse(p.getFileName().toString());
                    if (n != null && n.source() != SegmentName.NO_SOURCE) highest.merge(n.stream(), n.source(), Math::max);
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        long m = highest.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        long resume = m; // entry M is replayed for streams that may lack it; alreadySealed filters the rest
        for (String s : discardedStreams) {
            long own = highest.getOrDefault(s, -1L);
            resume = Math.min(resume, own < 0 ? -1 : own + 1);
        }
        return new ResumePlan(Map.copyOf(highest), Set.copyOf(discardedStreams), m, resume);
    }

    /** The reader starts at the first entry with an index at or above this (-1: the start of the journal). */
    public long resumeAt() {
        return resumeAt;
    }

    /** Whether rows of entry {@code index} for {@code stream} are already sealed. */
    public boolean alreadySealed(String stream, long index) {
        long own = highest.getOrDefault(stream, -1L);
        if (index <= own) return true;
        return !discarded.contains(stream) && index < m;
    }

    @Override
    public String toString() {
        return "resume at " + resumeAt + "; highest sealed entry " + m + "; per stream " + highest
                + "; streams replayed from their own position " + discarded;
    }
}
