package dev.cistern.agent.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Which journal this is: a random id made when the journal is created, when that was, and its roll
 * cycle, in {@code journal/identity.json}. Sealed names and the spool's ledger carry journal indices,
 * which mean something only for the journal that made them: a journal made afresh (its directory wiped,
 * or its cycle files deleted) gets a new id, and names sealed before it was made, or a ledger written
 * for another id, no longer move its resume point. A journal from before identities is adopted:
 * its names and ledger are trusted ({@code createdMillis} 0).
 */
public record JournalIdentity(String id, long createdMillis, String rollCycle) {
    static final String FILE = "identity.json";
    private static final Logger LOG = Logger.getLogger(JournalIdentity.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final int FORMAT = 1;

    /** Whether a sealed segment whose id says it was made at {@code millis} can be from this journal. */
    public boolean mayHaveSealedAt(long millis) {
        return millis >= createdMillis;
    }

    /**
     * The identity of the journal in {@code dir}: read; made afresh when the journal has no cycle files
     * (new, or wiped); adopted, with {@code rollCycle}, when it has some but no identity file yet.
     */
    static JournalIdentity establish(Path dir, boolean hasCycles, String rollCycle) throws IOException {
        JournalIdentity known = hasCycles ? read(dir) : null;
        if (known != null) return known;
        JournalIdentity made;
        if (hasCycles) {
            made = new JournalIdentity(newId(), 0, rollCycle);
            LOG.info("journal in " + dir + " has no " + FILE + " (written before journal identities): adopted as " + made.id);
        } else {
            made = new JournalIdentity(newId(), System.currentTimeMillis(), rollCycle);
            LOG.info("journal in " + dir + " is new: identity " + made.id + ", roll cycle " + rollCycle);
        }
        made.write(dir);
        return made;
    }

    /** The journal's lock file, held while it is open: one agent per data directory. */
    static FileChannel lock(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            ch.close();
            throw new IOException("the journal in " + dir + " is open in another process (or twice in this one):"
                    + " one agent per data directory");
        }
        return ch;
    }

    /** The roll cycle the journal in {@code dir} was made with: its identity's, else Chronicle's own record, else {@code configured}. */
    static String existingRollCycle(Path dir, String configured) throws IOException {
        JournalIdentity known = JournalIdentity.read(dir);
        if (known != null) return known.rollCycle();
        if (!CycleFiles.any(dir)) return configured;
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(Journal.rollCycle(configured)).build()) {
            return q.rollCycle() instanceof Enum<?> e ? e.name() : configured;
        }
    }

    private static String newId() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static JournalIdentity read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(FILE));
        } catch (NoSuchFileException e) {
            return null;
        }
        String id = null;
        String cycle = null;
        long created = -1;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id" -> id = p.getValueAsString();
                    case "created_ms" -> created = p.getLongValue();
                    case "roll_cycle" -> cycle = p.getValueAsString();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(dir.resolve(FILE) + " cannot be read (" + e.getMessage() + "); if the journal's cycle files are"
                    + " intact, delete it to adopt them under a new identity", e);
        }
        if (id == null || cycle == null || created < 0) {
            throw new IOException(dir.resolve(FILE) + " lacks id, created_ms or roll_cycle; delete it to adopt the journal anew");
        }
        return new JournalIdentity(id, created, cycle);
    }

    /** Durably: temp, fsync, rename. */
    void write(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("id", id);
            g.writeNumberField("created_ms", createdMillis);
            g.writeStringField("roll_cycle", rollCycle);
            g.writeEndObject();
        }
        out.write('\n');
        Path temp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(out.toByteArray()));
            ch.force(true);
        }
        Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
