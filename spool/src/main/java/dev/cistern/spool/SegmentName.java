package dev.cistern.spool;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a sealed segment file. It carries everything tools need to prune and verify a file
 * without decoding it:
 *
 * <pre>{@code <stream>.<minTs>.<maxTs>.<rows>.<rawBytes>.v<format>.<id>.json.<br|zst|gz>}</pre>
 *
 * minTs/maxTs are the earliest and latest row timestamps (epoch milliseconds, UTC), rows the line
 * count, rawBytes the uncompressed NDJSON size, id 20 lowercase hex digits (12 of creation time in
 * epoch ms, 8 random) so names sort roughly by creation. A segment written from the agent's journal
 * adds {@code .j<source>} before the suffix: the highest journal index whose rows it holds, so
 * the agent can resume from sealed output alone after a crash. The suffix names the {@link Codec}.
 * See docs/format.md.
 */
public record SegmentName(String stream, long minTs, long maxTs, long rows, long rawBytes, int format, String id,
                          long source, Codec codec) {

    /** {@link #source()} of a segment not fed from a journal. */
    public static final long NO_SOURCE = -1;

    /** The lower of two journal indexes, either of which may be NO_SOURCE (none). */
    static long lowerSource(long a, long b) {
        if (a == NO_SOURCE) return b;
        if (b == NO_SOURCE) return a;
        return Math.min(a, b);
    }

    /**
     * Row timestamps a spool takes: 1970-01-01 to 9999-12-31 (UTC, epoch ms). A partition is named
     * from a segment's earliest row, and outside this range it would be {@code dt=-292275055-05-16}.
     */
    public static final long MIN_TS = 0;
    public static final long MAX_TS = 253_402_300_799_999L;

    /** Whether a row with this timestamp may be written (see {@link #MIN_TS}). */
    public static boolean inRange(long ts) {
        return ts >= MIN_TS && ts <= MAX_TS;
    }

    /** Format 2 files end in a {@link SealTrailer}; format 1 files (written before it) have none. */
    public static final int FORMAT_VERSION = 2;
    /** The Brotli suffix; {@link Codec#suffix()} for each codec. */
    public static final String SUFFIX = ".json.br";
    private static final Pattern GRAMMAR = Pattern.compile("([a-z0-9_-]{1,64})"  // stream
            + "\\.(-?\\d{1,19})\\.(-?\\d{1,19})"                                 // minTs, maxTs
            + "\\.(\\d{1,19})\\.(\\d{1,19})"                                     // rows, rawBytes
            + "\\.v(\\d{1,4})\\.([0-9a-f]{20})"                                  // format, id
            + "(?:\\.j(\\d{1,19}))?\\.json\\.(?:br|zst|gz)");                    // journal source, codec suffix

    public SegmentName {
        StreamName.check(stream);
        Objects.requireNonNull(id, "id");
        if (minTs > maxTs) throw new IllegalArgumentException("minTs " + minTs + " > maxTs " + maxTs);
        if (rows < 0 || rawBytes < 0) throw new IllegalArgumentException("negative rows or bytes");
        if (source < NO_SOURCE) throw new IllegalArgumentException("negative source " + source);
        Objects.requireNonNull(codec, "codec");
    }

    /** A Brotli segment's name. */
    public SegmentName(String stream, long minTs, long maxTs, long rows, long rawBytes, int format, String id, long source) {
        this(stream, minTs, maxTs, rows, rawBytes, format, id, source, Codec.BROTLI);
    }

    /** A Brotli segment's name, not fed from a journal. */
    public SegmentName(String stream, long minTs, long maxTs, long rows, long rawBytes, int format, String id) {
        this(stream, minTs, maxTs, rows, rawBytes, format, id, NO_SOURCE);
    }

    /** The same name for a file of another codec. */
    public SegmentName withCodec(Codec c) {
        return new SegmentName(stream, minTs, maxTs, rows, rawBytes, format, id, source, c);
    }

    /** A fresh unique id: creation time then randomness, so ids sort by creation and never collide in practice. */
    public static String newId(long nowMillis) {
        return String.format("%012x%08x", nowMillis & 0xffff_ffff_ffffL, ThreadLocalRandom.current().nextInt());
    }

    public static SegmentName parse(String fileName) {
        SegmentName name = tryParse(fileName);
        if (name == null) {
            throw new IllegalArgumentException("not a sealed segment name: " + fileName
                    + " (expected <stream>.<minTs>.<maxTs>.<rows>.<rawBytes>.v<format>.<id>[.j<source>].json.<br|zst|gz>)");
        }
        return name;
    }

    /** Parses a file name, or returns null when it is not a segment name. */
    public static SegmentName tryParse(String fileName) {
        Matcher m = GRAMMAR.matcher(fileName);
        if (!m.matches()) return null;
        try {
            long min = Long.parseLong(m.group(2));
            long max = Long.parseLong(m.group(3));
            if (min > max) return null;
            return new SegmentName(m.group(1), min, max, Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                    Integer.parseInt(m.group(6)), m.group(7), m.group(8) == null ? NO_SOURCE : Long.parseLong(m.group(8)),
                    Codec.ofFileName(fileName));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String fileName() {
        return stream + '.' + minTs + '.' + maxTs + '.' + rows + '.' + rawBytes + ".v" + format + '.' + id
                + (source == NO_SOURCE ? "" : ".j" + source) + codec.suffix();
    }

    /** Partition path relative to the stream directory: {@code dt=YYYY-MM-DD/hour=HH}, from minTs in UTC. */
    public String partition() {
        return partitionOf(minTs);
    }

    public static String partitionOf(long epochMillis) {
        if (!inRange(epochMillis)) throw new IllegalArgumentException("timestamp " + epochMillis + " is outside 1970-9999: no partition");
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        return String.format("dt=%04d-%02d-%02d/hour=%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
    }

    /** Whether any row of this segment can fall in [from, to). */
    public boolean overlaps(long from, long to) {
        return maxTs >= from && minTs < to;
    }

    @Override
    public String toString() {
        return fileName();
    }
}
