package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.testkit.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupCheckTest {
    @TempDir Path dir;

    @Test
    void refusesADataDirectoryThatIsAFile() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "not a directory");
        IOException e = assertThrows(IOException.class, () -> StartupCheck.dataDirectory(file));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void refusesADataDirectoryThatCannotBeCreated() throws Exception {
        Path file = dir.resolve("blocker");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> StartupCheck.dataDirectory(file.resolve("data")));
        assertTrue(e.getMessage().contains("cannot create data directory"), e.getMessage());
    }

    /** Issue 17, 1: the compress-write-fsync-rename-read probe runs in the data directory itself, before listening. */
    @Test
    void refusesADataDirectoryOnAFullFilesystemNamingIt() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir.resolve("full"), "1m", "StartupCheckTest")) {
            byte[] block = new byte[64 << 10];
            try (OutputStream out = Files.newOutputStream(fs.path().resolve("filler"))) {
                while (true) out.write(block);
            } catch (IOException full) {
                // the filesystem is full
            }
            IOException e = assertThrows(IOException.class, () -> StartupCheck.dataDirectory(fs.path()));
            assertTrue(e.getMessage().contains("cannot compress, write, fsync, rename and read back")
                    && e.getMessage().contains(fs.path().toAbsolutePath().toString()), e.getMessage());
        }
    }

    @Test
    void acceptsAWritableDirectoryAndLeavesNoProbeBehind() throws Exception {
        Path data = dir.resolve("fresh");
        StartupCheck.dataDirectory(data);
        assertTrue(Files.isDirectory(data));
        try (var s = Files.list(data)) {
            assertTrue(s.findAny().isEmpty());
        }
    }
}
