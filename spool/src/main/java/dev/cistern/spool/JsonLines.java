package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Validates one NDJSON line and reads its event time, without building an object tree. */
public final class JsonLines {
    static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonLines() {}

    /** No limit on nesting but Jackson's own (1,000 levels). */
    public static final int ANY_DEPTH = Integer.MAX_VALUE;

    /**
     * Checks the bytes are exactly one JSON object (UTF-8 without a byte-order mark, no NUL byte,
     * nothing after it) and returns its top-level integral {@code "ts"} field, or {@code defaultTs}
     * when it has none.
     */
    public static long validate(byte[] b, int off, int len, long defaultTs) {
        return validate(b, off, len, defaultTs, ANY_DEPTH);
    }

    /** As {@link #validate(byte[], int, int, long)}, refusing objects and arrays nested deeper than {@code maxDepth}. */
    public static long validate(byte[] b, int off, int len, long defaultTs, int maxDepth) {
        long ts = validate(b, off, len, "ts", INTEGRAL_TS, maxDepth);
        return ts == NO_TIME || ts == BAD_TIME ? defaultTs : ts;
    }

    /**
     * Reads an event time from the value of a row's time field, positioned on it; {@link #BAD_TIME} when it is not one.
     * Called from several threads at once (a scan filters on each decoding thread): it must keep no state.
     */
    @FunctionalInterface
    public interface TimeReader {
        long read(JsonParser p, JsonToken value) throws IOException;
    }

    /** The row has no such top-level field. */
    public static final long NO_TIME = Long.MIN_VALUE;
    /** The row's field holds no time its reader takes (an object, an array, null, or a value that does not parse). */
    public static final long BAD_TIME = Long.MIN_VALUE + 1;

    // an integer past a long is no time (not malformed JSON): a row stored under another field's time may hold one
    private static final TimeReader INTEGRAL_TS = (p, v) -> v == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? outsideSentinels(p.getLongValue()) : BAD_TIME;

    /** A ts of Long.MIN_VALUE (or one above) is a time far out of range, not "no time": it must still be refused. */
    private static long outsideSentinels(long ts) {
        return ts <= BAD_TIME ? BAD_TIME + 1 : ts;
    }
    private static final TimeReader NO_READER = (p, v) -> BAD_TIME;

    /** Checks the bytes are exactly one JSON object, as {@link #validate(byte[], int, int, long)} does, reading no field. */
    public static void check(byte[] b, int off, int len) {
        validate(b, off, len, "", NO_READER, ANY_DEPTH);
    }

    /**
     * As {@link #validate(byte[], int, int, long, int)}, reading the event time from the top-level field
     * {@code field} with {@code reader} (given scalars only; the last such field wins): returns
     * what it read, {@link #NO_TIME} or {@link #BAD_TIME}. Builds no tree: one streaming pass.
     */
    public static long validate(byte[] b, int off, int len, String field, TimeReader reader, int maxDepth) {
        String encoding = encodingProblem(b, off, len);
        if (encoding != null) throw new InvalidRowException("bad_encoding", encoding);
        int bad = firstInvalidUtf8(b, off, len);
        if (bad >= 0) throw new InvalidRowException("invalid UTF-8 at byte " + (bad - off));
        try (JsonParser p = FACTORY.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new InvalidRowException("a row must be a JSON object");
            long ts = NO_TIME;
            int depth = 1;
            JsonToken t;
            while (depth > 0) {
                t = p.nextToken();
                if (t == null) throw new InvalidRowException("the JSON object is not closed");
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth = deeper(depth, maxDepth);
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        p.getTextLength(); // decodes the name, which validates its UTF-8
                        if (depth == 1 && field.equals(p.currentName())) {
                            JsonToken v = p.nextToken();
                            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                                depth = deeper(depth, maxDepth);
                                ts = BAD_TIME;
                            } else {
                                if (v == JsonToken.VALUE_STRING) p.getTextLength();
                                ts = reader.read(p, v);
                            }
                        }
                    }
                    case VALUE_STRING -> p.getTextLength();
                    default -> { }
                }
            }
            if (p.nextToken() != null) throw new InvalidRowException("unexpected content after the JSON object");
            return ts;
        } catch (InvalidRowException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new InvalidRowException("malformed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidRowException("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static int deeper(int depth, int maxDepth) {
        if (depth + 1 > maxDepth) throw new InvalidRowException("too_deep", "nested deeper than " + maxDepth + " levels");
        return depth + 1;
    }

    /**
     * Why these bytes are not plain UTF-8 text, or null. Jackson guesses UTF-16 and UTF-32 from the
     * first bytes and skips a byte-order mark, so those would pass as JSON and be stored raw. A NUL
     * byte cannot appear in a JSON text (raw control characters are invalid even in strings), and
     * it is what UTF-16 and UTF-32 text is full of.
     */
    public static String encodingProblem(byte[] b, int off, int len) {
        String bom = byteOrderMark(b, off, len);
        if (bom != null) return "starts with a " + bom + " byte-order mark: send UTF-8 without a BOM";
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] == 0) return "NUL byte at byte " + (i - off) + " (UTF-16 or UTF-32 text?): send UTF-8";
        }
        return null;
    }

    private static String byteOrderMark(byte[] b, int off, int len) {
        int b0 = len > 0 ? b[off] & 0xff : -1;
        int b1 = len > 1 ? b[off + 1] & 0xff : -1;
        int b2 = len > 2 ? b[off + 2] & 0xff : -1;
        int b3 = len > 3 ? b[off + 3] & 0xff : -1;
        if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) return "UTF-8 (EF BB BF)";
        if (b0 == 0x00 && b1 == 0x00 && b2 == 0xfe && b3 == 0xff) return "UTF-32BE (00 00 FE FF)";
        if (b0 == 0xff && b1 == 0xfe && b2 == 0x00 && b3 == 0x00) return "UTF-32LE (FF FE 00 00)";
        if (b0 == 0xfe && b1 == 0xff) return "UTF-16BE (FE FF)";
        if (b0 == 0xff && b1 == 0xfe) return "UTF-16LE (FF FE)";
        return null;
    }

    /**
     * The index of the first byte that is not well-formed UTF-8 (Unicode table 3-7), or -1. Jackson
     * checks continuation bytes but lets overlong forms and code points past U+10FFFF through.
     */
    static int firstInvalidUtf8(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            int more;
            int lo = 0x80;
            int hi = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                more = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                more = 2;
                if (c == 0xe0) lo = 0xa0; // overlong
                if (c == 0xed) hi = 0x9f; // surrogates
            } else if (c >= 0xf0 && c <= 0xf4) {
                more = 3;
                if (c == 0xf0) lo = 0x90; // overlong
                if (c == 0xf4) hi = 0x8f; // past U+10FFFF
            } else {
                return i;
            }
            if (i + more >= end) return i;
            int c2 = b[i + 1] & 0xff;
            if (c2 < lo || c2 > hi) return i;
            for (int k = 2; k <= more; k++) {
                if ((b[i + k] & 0xc0) != 0x80) return i;
            }
            i += more + 1;
        }
        return -1;
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int source = line.indexOf(" (start marker at [Source");
        return source < 0 ? line : line.substring(0, source);
    }
}
