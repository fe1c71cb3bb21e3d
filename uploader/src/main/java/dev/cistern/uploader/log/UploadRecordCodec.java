package dev.cistern.uploader.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One {@link UploadRecord} as one JSON log line, and back. The field names are the log's format. */
final class UploadRecordCodec {
    private static final JsonFactory JSON = new JsonFactory();

    private UploadRecordCodec() {}

    /** Writes the record as one JSON object (no newline). */
    static void write(OutputStream out, UploadRecord r) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, r);
        }
    }

    /** A record as its log line (without the newline). */
    static String toJson(UploadRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            write(out, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator g, UploadRecord r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("ts", r.ts());
        g.writeStringField("time", Instant.ofEpochMilli(r.ts()).toString());
        g.writeStringField("file", r.file());
        g.writeStringField("stream", r.stream());
        g.writeStringField("destination", r.destination());
        g.writeStringField("key", r.key());
        g.writeStringField("status", r.status().label());
        g.writeStringField("message", r.message() == null ? "" : r.message());
        g.writeNumberField("duration_ms", r.durationMs());
        g.writeNumberField("bytes", r.bytes());
        g.writeNumberField("attempt", r.attempt());
        g.writeBooleanField("permanent", r.permanent());
        g.writeBooleanField("dry_run", r.dryRun());
        g.writeBooleanField("replay", r.replay());
        g.writeEndObject();
    }

    /** One log line back into a record, or null when it is torn or not ours. */
    static UploadRecord parse(String line) {
        if (line.isBlank()) return null;
        long ts = 0, duration = 0, bytes = 0;
        int attempt = 0;
        boolean permanent = false, dryRun = false, replay = false;
        String file = "", stream = "", destination = "", key = "", message = "";
        UploadStatus status = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "ts" -> ts = p.getLongValue();
                    case "file" -> file = p.getText();
                    case "stream" -> stream = p.getText();
                    case "destination" -> destination = p.getText();
                    case "key" -> key = p.getText();
                    case "status" -> status = UploadStatus.parse(p.getText());
                    case "message" -> message = p.getText();
                    case "duration_ms" -> duration = p.getLongValue();
                    case "bytes" -> bytes = p.getLongValue();
                    case "attempt" -> attempt = p.getIntValue();
                    case "permanent" -> permanent = t == JsonToken.VALUE_TRUE;
                    case "dry_run" -> dryRun = t == JsonToken.VALUE_TRUE;
                    case "replay" -> replay = t == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || status == null) return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return new UploadRecord(ts, file, stream, destination, key, status, message, duration, bytes, attempt,
                permanent, dryRun, replay);
    }
}
