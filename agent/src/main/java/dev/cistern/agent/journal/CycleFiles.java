package dev.cistern.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycle;

/**
 * The journal's cycle files ({@code *.cq4}) as files: their names, the disk they take, setting aside
 * the ones a crash left uninitialised, and releasing the ones no longer needed.
 */
final class CycleFiles {
    private static final Logger LOG = Logger.getLogger(CycleFiles.class.getName());
    private static final String SUFFIX = ".cq4";

    private final Path dir;
    private final RollCycle rollCycle;
    private final DateTimeFormatter nameFormat;
    private final DateTimeFormatter parseFormat;

    CycleFiles(Path dir, RollCycle rollCycle) {
        this.dir = dir;
        this.rollCycle = rollCycle;
        this.nameFormat = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.parseFormat = new DateTimeFormatterBuilder().appendPattern(rollCycle.format())
                .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
                .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0).toFormatter();
    }

    /**
     * A process killed while creating a cycle file leaves it with no complete store header, and
     * Chronicle then waits at startup for a writer that will never come. Such a file cannot hold an
     * entry (entries follow the header), so it is moved into {@code quarantine} (kept for a look, not
     * deleted), and said so. A file cut inside its header (truncated) looks the same and may have held
     * entries: the journal rolls past the newest one moved. Returns the names moved.
     */
    static List<String> quarantineUninitialised(Path dir, Path quarantine) throws IOException {
        List<String> moved = new ArrayList<>();
        for (Path p : list(dir)) {
            if (initialised(p)) continue;
            Files.createDirectories(quarantine);
            Path to = quarantine.resolve(p.getFileName() + "." + System.currentTimeMillis() + ".uninitialised");
            LOG.warning("journal cycle " + p.getFileName() + " was never initialised (a crash during its creation);"
                    + " it holds no entries and is moved to " + to);
            Files.writeString(quarantine.resolve(to.getFileName() + ".reason"), "journal cycle file " + p.getFileName()
                    + ": never initialised (no complete store header: a crash while it was created); it holds no entries,"
                    + " and the journal rolled past it\n", StandardCharsets.UTF_8);
            Files.move(p, to);
            moved.add(p.getFileName().toString());
        }
        return moved;
    }

    /** Whether the file starts with Chronicle's complete store header: 0, or the not-complete bit, says it does not. */
    private static boolean initialised(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            int header = b.position() < 4 ? 0 : b.getInt(0);
            return header != 0 && (header & 0x80000000) == 0;
        }
    }

    /** The cycles with a file, in order; a {@code .cq4} file whose name is not of this roll cycle is left out. */
    List<Integer> cycles() {
        List<Integer> out = new ArrayList<>();
        for (Path p : list(dir)) {
            long c = cycleOf(p.getFileName().toString());
            if (c >= 0) out.add((int) c);
            else LOG.warning("journal file " + p.getFileName() + " is not named for roll cycle " + rollCycle + "; ignored");
        }
        return out;
    }

    /** The cycle a file of this name holds, or -1 when the name is not of this roll cycle. */
    long cycleOf(String name) {
        try {
            LocalDateTime t = LocalDateTime.parse(name.substring(0, name.length() - SUFFIX.length()), parseFormat);
            long c = t.toInstant(ZoneOffset.UTC).toEpochMilli() / rollCycle.lengthInMillis();
            return c <= Integer.MAX_VALUE ? c : -1;
        } catch (DateTimeParseException | StringIndexOutOfBoundsException other) {
            return -1;
        }
    }

    /** Whether the journal has any cycle file. */
    static boolean any(Path dir) {
        return !list(dir).isEmpty();
    }

    /** The file of cycle {@code cycle}. */
    Path of(int cycle) {
        return dir.resolve(nameOf(cycle));
    }

    private String nameOf(int cycle) {
        return nameFormat.format(Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + SUFFIX;
    }

    /** Bytes the cycle files take on disk: allocated blocks, not their (sparse) apparent size. */
    long diskBytes() {
        long total = 0;
        for (Path p : list(dir)) total += FileBlocks.allocatedBytes(p);
        return total;
    }

    /**
     * Deletes cycle files wholly before the cycle holding {@code firstNeededIndex}: every entry in
     * them has been sealed. Returns how many files were deleted.
     */
    int releaseBefore(long firstNeededIndex) {
        if (firstNeededIndex < 0) return 0;
        String keepFrom = nameOf(rollCycle.toCycle(firstNeededIndex));
        int deleted = 0;
        for (Path p : list(dir)) {
            if (p.getFileName().toString().compareTo(keepFrom) < 0) {
                try {
                    Files.deleteIfExists(p);
                    deleted++;
                    LOG.fine("released journal cycle " + p.getFileName());
                } catch (IOException e) {
                    LOG.warning("could not delete consumed journal cycle " + p + ": " + e);
                }
            }
        }
        return deleted;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
