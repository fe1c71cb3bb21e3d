package dev.cistern.spool;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A query's row filters on a row's JSON bytes, with no String or object per row: the text as a
 * byte search, the name and labels first as a search for their quoted value after their key (a row
 * without it and without any escape cannot match), then by {@link RowFields}. A row it cannot read
 * plainly goes to {@link JsonRowMatch}, which decides the same way with a parser.
 */
final class RowFilter {
    private final ScanQuery q;
    private static final byte[] NAME_KEY = {'n', 'a', 'm', 'e'};

    private Needle text;
    private final byte[] name;
    private final KeyedValue keyedName;
    private final byte[][] labelKeys;
    private final byte[][] labelValues;
    private final KeyedValue[] keyedValues;
    private final RowFields fields;
    private final LastVerdict last = new LastVerdict();
    private long alike; // rows decided by the last one read (for mostlyAlike)
    private long looked;
    private final JsonRowMatch parser;
    private final boolean parseEach;

    /** @param parseEach every match is checked with a parser too, so a row that is not a JSON object never matches */
    RowFilter(ScanQuery q, boolean parseEach) {
        this.q = q;
        this.parseEach = parseEach;
        this.text = q.textLower == null ? null : new Needle(q.textLower, true);
        this.name = q.name() == null ? null : utf8(q.name());
        this.keyedName = name == null ? null : new KeyedValue(NAME_KEY, quoted(q.name()));
        int n = q.labels().size();
        labelKeys = new byte[n][];
        labelValues = new byte[n][];
        keyedValues = new KeyedValue[n];
        int i = 0;
        for (var e : q.labels().entrySet()) {
            labelKeys[i] = utf8(e.getKey());
            labelValues[i] = utf8(e.getValue());
            keyedValues[i] = new KeyedValue(labelKeys[i], quoted(e.getValue()));
            i++;
        }
        this.fields = new RowFields(utf8(q.timeField()));
        this.parser = new JsonRowMatch(q);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Needle quoted(String s) {
        return new Needle(utf8('"' + s + '"'), false);
    }

    /** The text filter, or null: searched for in whole blocks of rows at once. */
    Needle text() {
        return text;
    }

    /**
     * What every matching row holds when nothing in it is escaped: the quoted name or a quoted label
     * value after its key; null when there is none.
     */
    KeyedValue keyedValue() {
        if (keyedName != null) return keyedName;
        return keyedValues.length > 0 ? keyedValues[0] : null;
    }

    /** Probes the needles at the bytes rarest in data like {@code b[from, to)} (a first block). */
    void tuneTo(byte[] b, int from, int to) {
        if (text == null && keyedName == null && keyedValues.length == 0) return;
        int[] seen = Needle.byteCounts(b, from, to);
        if (text != null) text = text.tunedTo(seen);
        if (keyedName != null) keyedName.tuneTo(seen);
        for (KeyedValue v : keyedValues) v.tuneTo(seen);
    }

    /** Whether every row of a file matches (no filter needs to look at one). */
    boolean matchesAll(boolean fileInRange) {
        return text == null && !parseEach && !needsFields(fileInRange);
    }

    /** Whether rows must be read field by field: name or label filters, or a time range the file is not wholly in. */
    private boolean needsFields(boolean fileInRange) {
        return name != null || labelKeys.length > 0 || (!fileInRange && q.timeBounded());
    }

    /**
     * Whether the row {@code b[off, end)} (no newline) matches.
     *
     * @param textChecked the row is known to hold the text already
     * @param fileInRange the whole file lies in the query's time range, so no row's time is read
     */
    boolean matches(byte[] b, int off, int end, boolean textChecked, boolean fileInRange) {
        if (text != null && !textChecked && !text.in(b, off, end)) return false;
        if (!needsFields(fileInRange)) return !parseEach || parser.matches(b, off, end - off, fileInRange);
        int decided = !parseEach && last.sameUpTo(b, off, end) == end ? lastDecision(b, fileInRange) : LastVerdict.NONE;
        return decide(b, off, end, fileInRange, decided);
    }

    /**
     * The row that starts at {@code off} and ends at the first newline before {@code to}, for a filter without text
     * that reads fields: the newline's index when the row matches, its complement ({@code ~index}) when not. A row
     * alike the last one read is decided, and its end found, by comparing the two; others are searched for their end.
     */
    int nextRow(byte[] b, int off, int to, boolean fileInRange) {
        int le = parseEach ? -1 : last.sameUpTo(b, off, to);
        int decided = LastVerdict.NONE;
        if (le >= 0 && le < to && b[le] == '\n') {
            decided = lastDecision(b, fileInRange);
        } else {
            le = Bytes.indexOf(b, off, to, (byte) '\n');
        }
        return decide(b, off, le, fileInRange, decided) ? le : ~le;
    }

    /**
     * Whether at least half the rows looked at since this was last asked were alike the row before them (then both
     * counts start again); {@code otherwise} when none was looked at (a searched block without a hit says nothing).
     */
    boolean mostlyAlike(boolean otherwise) {
        boolean mostly = looked == 0 ? otherwise : alike * 2 >= looked;
        alike = 0;
        looked = 0;
        return mostly;
    }

    /** The last row's decision for a row found alike: its verdict on name and labels, and the row's own time if needed. */
    private int lastDecision(byte[] b, boolean fileInRange) {
        alike++;
        int v = last.verdict();
        if (v != 1 || fileInRange || !q.timeBounded()) return v;
        if (q.timeReader() != null) return -1;
        return timeDecision(last.time(b));
    }

    private boolean decide(byte[] b, int off, int end, boolean fileInRange, int decided) {
        looked++;
        if (decided == LastVerdict.NONE) decided = read(b, off, end, fileInRange);
        if (decided == 0) return false;
        return decided == 1 && !parseEach || parser.matches(b, off, end - off, fileInRange);
    }

    /** 1 when the row matches, 0 when not, -1 when only a parser can tell; kept for the rows alike that follow. */
    private int read(byte[] b, int off, int end, boolean fileInRange) {
        if (!mayHoldValues(b, off, end)) {
            if (!parseEach) last.keep(b, off, end, 0, LastVerdict.NO_TIME);
            return 0;
        }
        if (!fields.read(b, off, end - off)) return -1;
        int series = seriesMatch(b);
        if (series >= 0 && !parseEach) last.keep(b, off, end, series, timeStart());
        if (series != 1 || fileInRange || !q.timeBounded()) return series;
        if (q.timeReader() != null) return -1;
        return timeDecision(fields.integralTime());
    }

    /** Where the row just read has its integral time, or {@link LastVerdict#NO_TIME}, {@link LastVerdict#PARSED_TIME}. */
    private int timeStart() {
        if (fields.timeStart < 0) return LastVerdict.NO_TIME;
        return fields.integralTime() == RowFields.ASK_PARSER ? LastVerdict.PARSED_TIME : fields.timeStart;
    }

    private int timeDecision(long ts) {
        if (ts == RowFields.ASK_PARSER) return -1;
        if (ts == Long.MIN_VALUE) return 0; // no time, in a file only partly in range
        return ts >= q.from() && ts < q.to() ? 1 : 0;
    }

    /** False when a wanted name or label value is nowhere in the row after its key, and nothing in it is escaped. */
    private boolean mayHoldValues(byte[] b, int off, int end) {
        if (keyedName != null && !keyedName.in(b, off, end)) return hasEscape(b, off, end);
        for (KeyedValue v : keyedValues) if (!v.in(b, off, end)) return hasEscape(b, off, end);
        return true;
    }

    private static boolean hasEscape(byte[] b, int off, int end) {
        return Bytes.indexOf(b, off, end, (byte) '\\') >= 0;
    }

    /** 1 when the row read has the name and labels, 0 when not, -1 when only a parser can tell. */
    private int seriesMatch(byte[] b) {
        if (name != null) {
            if (fields.nameStart < 0) return 0;
            if (fields.nameEscaped) return -1;
            if (!Arrays.equals(b, fields.nameStart, fields.nameEnd, name, 0, name.length)) return 0;
        }
        for (int i = 0; i < labelKeys.length; i++) {
            int l = fields.label(labelKeys[i], labelValues[i]);
            if (l != 1) return l;
        }
        return 1;
    }

    /** A matched row as a {@link Row} (parsed: for callers that want objects). */
    Row row(String stream, byte[] b, int off, int len) {
        return parser.row(stream, b, off, len);
    }
}
