package dev.cistern.spool;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** What recovery did when a spool opened. Every loss is counted here and logged. */
public record RecoveryReport(
        int tempFilesSalvaged,
        long rowsSalvaged,
        long tornBytesDropped,
        long badLinesDropped,
        int tempFilesRemoved,
        int filesQuarantined,
        Set<String> discardedStreams,
        List<Event> events) {

    /** One file recovery acted on, and what it did. */
    public record Event(Path file, String action, String detail) {
        @Override
        public String toString() {
            return action + " " + file + ": " + detail;
        }
    }

    /** For a {@link JournalFedSpool}: streams whose open segments were discarded for replay. */
    public Set<String> discardedStreams() {
        return discardedStreams;
    }

    public boolean clean() {
        return events.isEmpty();
    }
}
