package dev.cistern.spool;

import java.util.Arrays;

/**
 * Finds a row's top-level {@code name}, time and {@code labels} in its JSON bytes, without a parser
 * or a String: one pass that skips every other value. Rows in sealed segments were validated as
 * JSON objects when written, so the walk only needs to be right for valid JSON; a row it cannot
 * read plainly (a key with an escape, a value it does not expect) is left to {@link JsonRowMatch}.
 * Reusable: {@link #read} resets it; spans are valid for the bytes last read.
 */
final class RowFields {
    private static final byte[] NAME = {'n', 'a', 'm', 'e'};
    private static final byte[] LABELS = {'l', 'a', 'b', 'e', 'l', 's'};
    private static final long QUOTES = Bytes.broadcast((byte) '"');
    private static final long BACKSLASHES = Bytes.broadcast((byte) '\\');

    private final byte[] timeKey;
    private byte[] b;
    int nameStart;
    int nameEnd;
    boolean nameEscaped;
    int timeStart;
    int timeEnd;
    int labelsStart;
    int labelsEnd;
    private int pos;
    private int limit;
    private boolean escaped;

    RowFields(byte[] timeKey) {
        this.timeKey = timeKey.clone();
    }

    /** Reads the row {@code b[off, off+len)}; false when it must be read by a parser instead. */
    boolean read(byte[] b, int off, int len) {
        this.b = b;
        pos = off;
        limit = off + len;
        nameStart = timeStart = labelsStart = -1;
        nameEnd = timeEnd = labelsEnd = -1;
        nameEscaped = false;
        try {
            if (next() != '{') return false;
            pos++;
            if (next() == '}') return true;
            while (true) {
                if (next() != '"') return false;
                int keyStart = pos + 1;
                int keyEnd = skipString();
                if (escaped) return false;
                if (next() != ':') return false;
                pos++;
                byte v = next();
                int valueStart = pos;
                skipValue();
                // as the parser-based reading has it: a value of another kind leaves what an earlier one set
                if (v == '"' && is(keyStart, keyEnd, NAME)) {
                    nameStart = valueStart + 1;
                    nameEnd = pos - 1;
                    nameEscaped = escaped;
                } else if ((v == '-' || (v >= '0' && v <= '9')) && is(keyStart, keyEnd, timeKey)) {
                    timeStart = valueStart;
                    timeEnd = pos;
                } else if (v == '{' && is(keyStart, keyEnd, LABELS)) {
                    labelsStart = valueStart;
                    labelsEnd = pos;
                }
                byte sep = next();
                pos++;
                if (sep == '}') return true;
                if (sep != ',') return false;
                next();
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return false; // ran past the row: not JSON this walk can read
        }
    }

    /** No plain integral time: the caller asks a parser (a fraction, an exponent, or more digits than a long holds). */
    static final long ASK_PARSER = Long.MIN_VALUE + 1;

    /**
     * The time field's value as an integer; {@link Long#MIN_VALUE} when the row has no such field or
     * it is not a number (as the parser-based reading has it); {@link #ASK_PARSER} when it is a number
     * this walk does not read.
     */
    long integralTime() {
        if (timeStart < 0) return Long.MIN_VALUE;
        int i = timeStart;
        boolean negative = b[i] == '-';
        if (negative) i++;
        if (i >= timeEnd || b[i] < '0' || b[i] > '9') return ASK_PARSER;
        if (timeEnd - i > 18) return ASK_PARSER;
        long v = 0;
        for (; i < timeEnd; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') return ASK_PARSER;
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    /**
     * 1 when {@code labels} holds key with exactly value (the last of a repeated key counts), 0 when
     * not, -1 when an escape needs a parser.
     */
    int label(byte[] key, byte[] value) {
        if (labelsStart < 0) return 0;
        pos = labelsStart + 1;
        limit = labelsEnd;
        int found = 0;
        try {
            if (next() == '}') return 0;
            while (true) {
                if (next() != '"') return -1;
                int keyStart = pos + 1;
                int keyEnd = skipString();
                if (escaped) return -1;
                next();
                pos++;
                byte v = next();
                int valueStart = pos;
                skipValue();
                if (v == '"' && is(keyStart, keyEnd, key)) {
                    if (escaped) return -1;
                    found = Arrays.equals(b, valueStart + 1, pos - 1, value, 0, value.length) ? 1 : 0;
                }
                if (next() != ',') return found;
                pos++;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return -1;
        }
    }

    private boolean is(int from, int to, byte[] key) {
        return Arrays.equals(b, from, to, key, 0, key.length);
    }

    /** The byte at the next non-blank position (which {@code pos} is moved to). */
    private byte next() {
        while (pos < limit) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
            pos++;
        }
        throw new ArrayIndexOutOfBoundsException(pos);
    }

    /** From an opening quote at {@code pos} to after its closing quote; returns the index of the closing quote. */
    private int skipString() {
        escaped = false;
        int i = quoteOrEscape(pos + 1);
        while (b[i] != '"') {
            escaped = true;
            i = quoteOrEscape(i + 2);
        }
        pos = i + 1;
        return i;
    }

    /** The first quote or backslash at or after {@code i}, eight bytes a step: strings are most of a row. */
    private int quoteOrEscape(int i) {
        for (; i + 8 <= limit; i += 8) {
            long w = Bytes.word(b, i);
            long m = Bytes.equalLanes(w, QUOTES) | Bytes.equalLanes(w, BACKSLASHES);
            if (m != 0) return i + (Long.numberOfTrailingZeros(m) >>> 3);
        }
        for (; i < limit; i++) if (b[i] == '"' || b[i] == '\\') return i;
        throw new ArrayIndexOutOfBoundsException(i);
    }

    /** Moves {@code pos} past the value that starts there. */
    private void skipValue() {
        byte c = b[pos];
        if (c == '"') {
            skipString();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (true) {
                if (pos >= limit) throw new ArrayIndexOutOfBoundsException(pos);
                byte d = b[pos];
                if (d == '"') {
                    skipString();
                    continue;
                }
                if (d == '{' || d == '[') depth++;
                else if (d == '}' || d == ']') depth--;
                pos++;
                if (depth == 0) return;
            }
        } else {
            escaped = false;
            while (pos < limit) {
                byte d = b[pos];
                if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\r' || d == '\n') return;
                pos++;
            }
        }
    }
}
