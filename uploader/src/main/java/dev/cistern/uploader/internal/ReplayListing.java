package dev.cistern.uploader.internal;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.spool.StreamName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What a replay uploads again: files kept in {@code uploaded/}, listed through the spool's {@link Scanner}. */
public final class ReplayListing {
    private final SpoolLayout layout;
    private final Scanner scanner;

    public ReplayListing(SpoolLayout layout) {
        this.layout = layout;
        this.scanner = Scanner.of(layout.root());
    }

    /** Kept files of these streams (all when empty) with rows in [from, to), oldest first. */
    public List<Waiting> list(Collection<String> streams, long from, long to) throws IOException {
        ScanQuery.Builder q = ScanQuery.builder().includeUploaded(true).from(from).to(to);
        int named = 0;
        for (String s : streams) {
            if (!StreamName.isValid(s)) continue; // no directory has that name: it matches nothing
            q.stream(s);
            named++;
        }
        List<Waiting> out = new ArrayList<>();
        if (!streams.isEmpty() && named == 0) return out;
        Path uploaded = layout.uploaded();
        for (SealedSegment seg : scanner.segments(q.build())) {
            if (!seg.path().startsWith(uploaded)) continue; // still in sealed/: not uploaded yet
            Waiting w = SealedScan.stat(seg); // null: removed by retention while we listed
            if (w != null) out.add(w);
        }
        return out;
    }
}
