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

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int source = line.indexOf(" (start marker at [Source");
        return source < 0 ? line : line.substring(0, source);
    }
}
