package dev.cistern.spool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file that holds a {@link JournalProgress}: {@code journal-progress.json} in the data directory,
 * small JSON a person can read (docs/format.md). Written whole to a temp file, synced, renamed over
 * the old one and the directory synced, so a reader sees the old file or the new one, never a mix.
 */
final class JournalProgressFile {
    static final String NAME = "journal-progress.json";
    static final int FORMAT = 1;
    private static final String TEMP = NAME + ".tmp";
    private static final JsonFactory JSON = new JsonFactory();

    private final Path dir;
    private final JournalSource source;
    private int lanesKept = -1; // what LaneRecord holds, once this file has written it

    JournalProgressFile(Path dir, JournalSource source) {
        this.dir = dir;
        this.source = source;
    }

    Path path() {
        return dir.resolve(NAME);
    }

    /** A file that exists but cannot be used (torn, not ours, another lane count). */
    static final class DamagedException extends IOException {
        DamagedException(String message) {
            super(message);
        }
    }

    /** Reads the file; null when there is none. A temp file a crash left mid-write is deleted. */
    JournalProgress.Snapshot read(int lanes) throws IOException {
        Files.deleteIfExists(dir.resolve(TEMP));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path());
        } catch (NoSuchFileException e) {
            return null;
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            return parse(p, lanes, source);
        } catch (IOException | RuntimeException e) {
            throw new DamagedException(path() + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** The "lanes" of the file in {@code dir}, else {@link LaneRecord}'s; -1 when neither is there or can be read. */
    static int recordedLanes(Path dir) {
        int inLedger = ledgerLanes(dir);
        return inLedger >= 1 ? inLedger : LaneRecord.read(dir);
    }

    private static int ledgerLanes(Path dir) {
        try (JsonParser p = JSON.createParser(Files.readAllBytes(dir.resolve(NAME)))) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("lanes") && value == JsonToken.VALUE_NUMBER_INT) return p.getIntValue();
                p.skipChildren();
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1; // none, or damaged: the spool's open reports a damaged ledger
        }
    }

    private static JournalProgress.Snapshot parse(JsonParser p, int lanes, JournalSource source) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        long format = -1;
        long fileLanes = -1;
        long[] complete = null;
        Map<String, long[]> streams = null;
        Map<String, long[]> replaying = Map.of();
        String journal = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "format" -> format = p.getLongValue();
                case "journal" -> journal = p.getValueAsString();
                case "lanes" -> fileLanes = p.getLongValue();
                case "complete_through" -> complete = indexes(p, value, lanes);
                case "sealed_through" -> streams = streams(p, value, lanes, true);
                case "replaying" -> replaying = streams(p, value, lanes, false);
                default -> p.skipChildren(); // a later minor addition: ignored
            }
        }
        if (p.nextToken() != null) throw new IOException("data after the object");
        if (format != FORMAT) throw new IOException("format " + format + ", expected " + FORMAT);
        if (fileLanes != lanes) throw new IOException("written for " + fileLanes + " lanes, the spool has " + lanes);
        if (complete == null || streams == null) throw new IOException("complete_through or sealed_through missing");
        if (source.id() != null && (journal == null ? !source.adoptsUnmarkedLedger() : !journal.equals(source.id()))) {
            throw new IOException("written for journal " + journal + ", the journal is " + source.id() + " (made afresh since)");
        }
        return new JournalProgress.Snapshot(complete, streams, replaying);
    }

    private static Map<String, long[]> streams(JsonParser p, JsonToken start, int lanes, boolean inLane) throws IOException {
        expect(start, JsonToken.START_OBJECT);
        Map<String, long[]> out = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String stream = StreamName.check(p.currentName());
            long[] own = indexes(p, p.nextToken(), lanes);
            for (int l = 0; l < lanes && inLane; l++) {
                if (own[l] >= 0 && Math.floorMod(own[l], (long) lanes) != l) {
                    throw new IOException("stream " + stream + ": index " + own[l] + " is not in lane " + l);
                }
            }
            out.put(stream, own);
        }
        return out;
    }

    private static long[] indexes(JsonParser p, JsonToken start, int lanes) throws IOException {
        expect(start, JsonToken.START_ARRAY);
        long[] out = new long[lanes];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.VALUE_NUMBER_INT);
            long v = p.getLongValue();
            if (v < -1) throw new IOException("index " + v + " below -1");
            if (n == lanes) throw new IOException("more than " + lanes + " lanes in an index list");
            out[n++] = v;
        }
        if (n != lanes) throw new IOException(n + " indexes where " + lanes + " lanes were expected");
        return out;
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) throw new IOException("expected " + wanted + ", found " + actual);
    }

    /** Replaces the file with {@code c}, durably: temp, fsync, rename, directory fsync. */
    void write(JournalProgress.Snapshot c) throws IOException {
        Fsync.replaceFile(dir, NAME, render(c));
        int lanes = c.completeThrough().length;
        if (lanes != lanesKept) {
            LaneRecord.keep(dir, lanes);
            lanesKept = lanes;
        }
    }

    byte[] render(JournalProgress.Snapshot c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeNumberField("lanes", c.completeThrough().length);
            if (source.id() != null) g.writeStringField("journal", source.id());
            g.writeFieldName("complete_through");
            g.writeArray(c.completeThrough(), 0, c.completeThrough().length);
            g.writeObjectFieldStart("sealed_through");
            for (Map.Entry<String, long[]> e : new TreeMap<>(c.sealedThrough()).entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeArray(e.getValue(), 0, e.getValue().length);
            }
            g.writeEndObject();
            if (!c.replaying().isEmpty()) {
                g.writeObjectFieldStart("replaying");
                for (Map.Entry<String, long[]> e : new TreeMap<>(c.replaying()).entrySet()) {
                    g.writeFieldName(e.getKey());
                    g.writeArray(e.getValue(), 0, e.getValue().length);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }
}
