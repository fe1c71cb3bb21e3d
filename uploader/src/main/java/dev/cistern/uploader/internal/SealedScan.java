package dev.cistern.uploader.internal;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What waits in {@code sealed/}, oldest first, with sizes from a stat cached between scans (a
 * sealed file never changes), and the waiting gauges computed from it. Used under the pass lock.
 */
public final class SealedScan {
    private final Scanner scanner;
    private final Telemetry telemetry;
    private final Map<Path, Waiting> known = new HashMap<>();

    public SealedScan(Path spoolRoot, Telemetry telemetry) {
        this.scanner = Scanner.of(spoolRoot);
        this.telemetry = telemetry;
    }

    /** Sealed files, oldest first; refreshes the waiting gauges. */
    public List<Waiting> scan() throws IOException {
        List<SealedSegment> segments = scanner.segments(ScanQuery.waitingForUpload());
        Map<Path, Waiting> seen = new HashMap<>(segments.size() * 2);
        List<Waiting> out = new ArrayList<>(segments.size());
        for (SealedSegment s : segments) {
            Waiting w = known.get(s.path());
            if (w == null) w = stat(s);
            if (w == null) continue;
            seen.put(s.path(), w);
            out.add(w);
        }
        known.clear();
        known.putAll(seen);
        refreshGauges();
        return out;
    }

    /** Recomputes the waiting gauges from the last scan, leaving out files gone since. */
    public void refreshGauges() {
        long files = 0;
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        for (Waiting w : known.values()) {
            if (!Files.exists(w.path())) continue;
            files++;
            bytes += w.bytes();
            oldest = Math.min(oldest, w.sealedAtMillis());
        }
        telemetry.waiting(files, bytes, files == 0 ? -1 : oldest);
    }

    /** The file with its size and sealing time, or null when it is gone already. */
    static Waiting stat(SealedSegment s) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(s.path(), BasicFileAttributes.class);
            return new Waiting(s.path(), s.name(), a.size(), a.lastModifiedTime().toMillis());
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
