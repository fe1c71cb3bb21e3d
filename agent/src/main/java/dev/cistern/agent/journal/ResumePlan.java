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
 * names the highest journal index whose rows it holds, and no journal entry's rows for a stream
 * are split across segments. So, with M the highest index over all sealed files:
 * <ul>
 *   <li>a stream whose open segment was discarded at recovery has every row up to its own highest
 *       sealed index, and needs the entries after it replayed;</li>
 *   <li>any other stream had no unsealed rows, so it has every row up to M.</li>
 * </ul>
 * Rows of entry e for stream s are written only when e is above s's skip point. Uploaded files
 * count as sealed (their names are kept in {@code uploaded/}).
 */
public final class ResumePlan {
    private final Map<String, Long> skipUpTo;
    private final long defaultSkip;
    private final long resumeAfter;

    private ResumePlan(Map<String, Long> skipUpTo, long defaultSkip, long resumeAfter) {
        this.skipUpTo = skipUpTo;
        this.defaultSkip = defaultSkip;
        this.resumeAfter = resumeAfter;
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
        Map<String, Long> skip = new HashMap<>();
        long resume = m;
        for (String s : discardedStreams) {
            long own = highest.getOrDefault(s, -1L);
            skip.put(s, own);
            resume = Math.min(resume, own);
        }
        return new ResumePlan(Map.copyOf(skip), m, resume);
    }

    /** The reader starts after this index (-1: from the start of the journal). */
    public long resumeAfter() {
        return resumeAfter;
    }

    /** Whether rows of entry {@code index} for {@code stream} are already sealed. */
    public boolean alreadySealed(String stream, long index) {
        return index <= skipUpTo.getOrDefault(stream, defaultSkip);
    }

    /** Highest index any stream may skip; past it, nothing is skipped. */
    public long horizon() {
        return Math.max(defaultSkip, skipUpTo.values().stream().mapToLong(Long::longValue).max().orElse(-1));
    }

    @Override
    public String toString() {
        return "resume after " + resumeAfter + ", streams sealed up to " + defaultSkip + ", discarded streams " + skipUpTo;
    }
}
