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

    /**
     * Checks the bytes are exactly one JSON object (valid UTF-8, nothing after it) and returns its
     * top-level integral {@code "ts"} field, or {@code defaultTs} when it has none.
     */
    public static long validate(byte[] b, int off, int len, long defaultTs) {
        int bad = firstInvalidUtf8(b, off, len);
        if (bad >= 0) throw new InvalidRowException("invalid UTF-8 at byte " + (bad - off));
        try (JsonParser p = FACTORY.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new InvalidRowException("a row must be a JSON object");
            long ts = defaultTs;
            int depth = 1;
            JsonToken t;
            while (depth > 0) {
                t = p.nextToken();
                if (t == null) throw new InvalidRowException("the JSON object is not closed");
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        p.getTextLength(); // decodes the name, which validates its UTF-8
                        if (depth == 1 && "ts".equals(p.currentName())) {
                            JsonToken v = p.nextToken();
                            if (v == JsonToken.VALUE_NUMBER_INT) ts = p.getLongValue();
                            else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) depth++;
                            else if (v == JsonToken.VALUE_STRING) p.getTextLength();
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
