package dev.cistern.cli;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Keeps brotli4j's native library unpacked in the user's cache directory, so a tool does not unpack it at each start.
 * brotli4j finds its library through a service lookup (which opens the 43 MB jar and reads its 18,000 entries) and
 * copies it out into a new temporary directory whenever a JVM first decodes: 35-45 ms of a `cat` of a 1M-row spool,
 * against 4-8 ms to load a copy unpacked before (docs/benchmarks.md, "A cached native library"). The copy is named
 * after the jar it came from (path, size, time: an upgrade unpacks another) and the CRC-32 of its bytes, checked before
 * each use; it is used only from a directory of this user's that no one else may write to, and only once it loaded.
 * Else, or on a platform brotli4j has no library for here, brotli4j unpacks its own as before. The agent uses it too:
 * brotli4j deletes its copy only at a clean exit, so each agent killed left a megabyte in /tmp.
 */
final class BrotliLibraryCache {
    /** brotli4j loads the library from this path, when set, instead of finding and unpacking its own. */
    static final String LIBRARY_PATH = "brotli4j.library.path";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private BrotliLibraryCache() {}

    /** Points brotli4j at a cached copy of its library, unpacked now if need be; leaves it as it is when it cannot. */
    static void use() {
        if (System.getProperty(LIBRARY_PATH) != null || "off".equals(System.getenv("CISTERN_NATIVE_CACHE"))) return;
        Path cache = cacheDir();
        Path jar = jar();
        if (cache == null || jar == null) return;
        try {
            Path lib = prepare(cache.resolve("native"), jar);
            if (lib == null) return;
            System.load(lib.toString()); // one that does not load (a noexec mount) is left for brotli4j's own copy
            System.setProperty(LIBRARY_PATH, lib.toString());
            // brotli4j loads it now, while it surely is there (its loader has no second way once this path fails)
            Brotli4jLoader.isAvailable();
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            // brotli4j unpacks its own, as without a cache
        }
    }

    /** The user's cache directory for Cistern, as bin/class-share.sh finds it; null when there is none. */
    static Path cacheDir() {
        String dir = System.getenv("CISTERN_CACHE_DIR");
        if (dir != null && !dir.isEmpty()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "cistern");
        String home = System.getProperty("user.home");
        return home == null || home.isEmpty() || home.equals("?") ? null : Path.of(home, ".cache", "cistern");
    }

    /**
     * The jar brotli4j's classes come from (Cistern's own, or brotli4j's in a build's tests), whose natives go with them;
     * found without opening it (it is not loaded: its initialization is what loads the library).
     */
    private static Path jar() {
        try {
            Path p = Path.of(Brotli4jLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A checked copy, in {@code dir}, of the library in {@code jar}: the one there, or one unpacked now (written aside,
     * checked against the jar entry's CRC-32, renamed). Null on a platform without a library, when the jar has none, or
     * when {@code dir} is not this user's alone.
     */
    static Path prepare(Path dir, Path jar) throws IOException {
        String resource = resource();
        if (resource == null || !ownDirectory(dir)) return null;
        dir = dir.toRealPath(); // from here on, no symbolic link on the way that someone could change
        if (!safeAncestors(dir)) return null;
        String prefix = "libbrotli-" + key(jar, resource) + "-";
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(dir)) { // no glob: its pattern costs 25 ms a start
            for (Path lib : copies) {
                if (!lib.getFileName().toString().startsWith(prefix) || !lib.getFileName().toString().endsWith(".so")) continue;
                if (crcOf(lib) == crcInName(lib, prefix)) return used(lib);
                Files.deleteIfExists(lib); // damaged: unpacked again below
            }
        }
        return unpack(dir, jar, resource, prefix);
    }

    private static Path unpack(Path dir, Path jar, String resource, String prefix) throws IOException {
        URL url = BrotliLibraryCache.class.getClassLoader().getResource(resource);
        URLConnection connection = url == null ? null : url.openConnection();
        if (!(connection instanceof JarURLConnection entry)) return null;
        long crc = entry.getJarEntry().getCrc();
        Path part = Files.createTempFile(dir, prefix, ".part");
        try {
            try (InputStream in = entry.getInputStream()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            if (crc < 0 || crcOf(part) != crc) return null;
            removeOthers(dir, prefix);
            Path lib = dir.resolve(prefix + Long.toHexString(crc) + ".so");
            Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return lib;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Copies of other jars kept besides this one's: the most recently used, for jars in use side by side. */
    private static final int OTHERS_KEPT = 3;

    /**
     * Copies of other jars not used for a week or beyond the {@link #OTHERS_KEPT} most recently used (an upgrade, each
     * rebuild of a developer's: a megabyte each; two jars in use, two checkouts, keep theirs: a copy's time is set at
     * each use), and parts an unpacking that was killed left over an hour ago.
     */
    private static void removeOthers(Path dir, String prefix) throws IOException {
        long now = System.currentTimeMillis();
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir)) {
            for (Path f : old) {
                String name = f.getFileName().toString();
                if (!name.startsWith("libbrotli-")) continue;
                long age = now - Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis();
                if (name.endsWith(".part") && age > 3_600_000L || name.endsWith(".so") && age > 7 * 86_400_000L) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(".so") && !name.startsWith(prefix)) {
                    others.add(f);
                }
            }
        }
        others.sort(Comparator.comparing(BrotliLibraryCache::lastUsed).reversed());
        for (Path f : others.subList(Math.min(OTHERS_KEPT, others.size()), others.size())) Files.deleteIfExists(f);
    }

    private static FileTime lastUsed(Path f) {
        try {
            return Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** The library's path in brotli4j's jars for this platform (Linux only here), or null. */
    static String resource() {
        if (!"Linux".equalsIgnoreCase(System.getProperty("os.name"))) return null;
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "lib/linux-x86_64/libbrotli.so";
            case "aarch64" -> "lib/linux-aarch64/libbrotli.so";
            default -> null;
        };
    }

    /**
     * The jar's path, size and modification time and the platform's library in it, hashed: another jar, this one rebuilt
     * or another platform (a home directory shared by x86 and arm64 machines) has another key.
     */
    private static String key(Path jar, String resource) throws IOException {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        String identity = jar.toAbsolutePath() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + resource;
        CRC32 c = new CRC32();
        c.update(identity.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }

    /**
     * {@code dir}, made if missing, is a directory owned by this user that no one else may write to, so no one else can
     * have put a library there for this user's tools to load; a shared one is not used.
     */
    private static boolean ownDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another tool, or not a directory: checked below like any other
            }
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isDirectory() && a.owner().getName().equals(System.getProperty("user.name"))
                && a.permissions().equals(OWNER_ONLY);
    }

    /**
     * Every directory above {@code dir} (a real path) is this user's or root's, and no one else may rename what is in
     * it: not writable by group or others, or sticky like /tmp (where only an entry's owner may rename it). Else
     * someone could swap the checked directory for one of theirs between the check and the load ({@code
     * CISTERN_CACHE_DIR=/tmp/x} where another user made /tmp/x).
     */
    private static boolean safeAncestors(Path dir) throws IOException {
        String user = System.getProperty("user.name");
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            String owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            boolean othersWrite = (mode & 0022) != 0;
            boolean sticky = (mode & 01000) != 0;
            if (!(owner.equals(user) || owner.equals("root")) || othersWrite && !sticky) return false;
        }
        return true;
    }

    /** A copy found good: its time says it is in use, so another jar's tool does not take it for an old one. */
    private static Path used(Path lib) {
        try {
            Files.setLastModifiedTime(lib, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // a read-only cache: the copy is still good
        }
        return lib;
    }

    private static long crcInName(Path lib, String prefix) {
        String name = lib.getFileName().toString();
        try {
            return Long.parseLong(name.substring(prefix.length(), name.length() - ".so".length()), 16);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    private static long crcOf(Path file) throws IOException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return -2;
            CRC32 c = new CRC32();
            c.update(Files.readAllBytes(file)); // 1.5 ms; mapped, 0.4 ms but 10 ms more to set up mapping classes
            return c.getValue();
        } catch (NoSuchFileException e) {
            return -2;
        }
    }
}
