package dev.cistern.cli;

import static dev.cistern.testkit.Times.T0;

import dev.cistern.spool.Scanner;
import dev.cistern.spool.SegmentName;
import dev.cistern.uploader.testing.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The numbered samples ({@link NumberedSamples}) found in segment files, wherever they are: the spool's
 * sealed/ and uploaded/, a directory destination, an S3 bucket. A file is counted once by name (an
 * uploaded file may also be in uploaded/, or still in sealed/ after a crash between upload and move);
 * a sample in two different files was sealed twice.
 */
public final class Delivered {
    private final Map<String, Path> files = new TreeMap<>();
    private final BitSet seen = new BitSet();
    private final List<String> duplicates = new ArrayList<>();
    private long duplicateCount;
    private long foreign;
    private final Map<String, Long> rowsByStream = new TreeMap<>();

    /** Every segment file under {@code root} (none when it does not exist; quarantine/ left out). */
    public Delivered dir(Path root) throws IOException {
        if (!Files.isDirectory(root)) return this;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Delivered::isSegment).toList()) files.putIfAbsent(p.getFileName().toString(), p);
        }
        return this;
    }

    /** Every object of the bucket, fetched into {@code scratch} unless a file of that name is already counted. */
    Delivered bucket(S3Server s3, String bucket, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        for (String key : s3.keys(bucket)) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (!name.endsWith(SegmentName.SUFFIX) || files.containsKey(name)) continue;
            Path local = scratch.resolve(name);
            Files.write(local, s3.get(bucket, key));
            files.put(name, local);
        }
        return this;
    }

    /** Reads every file counted; call once, after the sources. */
    public Delivered read() throws IOException {
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String stream = SegmentName.parse(f.getKey()).stream();
            Scanner.lines(f.getValue(), (b, off, len) -> {
                String line = new String(b, off, len, StandardCharsets.UTF_8);
                int i = line.indexOf("\"ts\":") + 5;
                long seq = Long.parseLong(line.substring(i, line.indexOf(',', i))) - T0;
                rowsByStream.merge(stream, 1L, Long::sum);
                if (seq < 0 || seq > Integer.MAX_VALUE) {
                    foreign++;
                } else if (seen.get((int) seq)) {
                    if (duplicateCount++ < 5) duplicates.add(seq + " again in " + f.getKey());
                } else {
                    seen.set((int) seq);
                }
            });
        }
        return this;
    }

    public int files() { return files.size(); }
    public BitSet seen() { return seen; }
    public long duplicateCount() { return duplicateCount; }
    public Map<String, Long> rowsByStream() { return rowsByStream; }

    /** Samples found that were never sent (numbers at or above {@code sent}, or not ours at all). */
    public long neverSent(int sent) {
        long n = foreign;
        for (int i = seen.nextSetBit(sent); i >= 0; i = seen.nextSetBit(i + 1)) n++;
        return n;
    }

    /** Acknowledged samples not found. */
    public BitSet missing(BitSet acked) {
        BitSet m = (BitSet) acked.clone();
        m.andNot(seen);
        return m;
    }

    /** For failure messages: files, rows by stream, duplicates with the first few. */
    public String describe() {
        return files.size() + " files, rows by stream " + rowsByStream + ", " + duplicateCount + " samples found twice"
                + (duplicates.isEmpty() ? "" : " (e.g. " + duplicates + ")");
    }

    private static boolean isSegment(Path p) {
        return p.getFileName().toString().endsWith(SegmentName.SUFFIX) && !p.toString().contains("/quarantine/")
                && Files.isRegularFile(p);
    }
}
