package dev.cistern.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test: a real filesystem that fills up. Mounting needs root (CI runs
 * as root); elsewhere the test is skipped, and says so loudly.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path mount;

    private Tmpfs(Path mount) {
        this.mount = mount;
    }

    public static Tmpfs mount(Path at, String size, String testName) throws Exception {
        return mount(at, size, testName, new String[0]);
    }

    /** As {@link #mount(Path, String, String)}, with mount options added (e.g. {@code noexec}). */
    public static Tmpfs mount(Path at, String size, String testName, String... options) throws Exception {
        Files.createDirectories(at);
        String opts = "size=" + size + (options.length == 0 ? "" : "," + String.join(",", options));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", opts, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean mounted = p.waitFor() == 0;
        if (!mounted) {
            System.err.println("\n*** " + testName + " SKIPPED: cannot mount a tmpfs here (" + out.strip()
                    + "). Run as root (CI does) to test a real full disk. ***\n");
        }
        Assumptions.assumeTrue(mounted, "mount -t tmpfs needs root: " + out.strip());
        return new Tmpfs(at);
    }

    public Path path() {
        return mount;
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }
}
