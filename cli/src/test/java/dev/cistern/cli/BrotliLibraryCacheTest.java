package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import dev.cistern.testkit.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tools load brotli4j's library from a copy in the user's cache (unpacked once, checked at each use) instead of
 * unpacking it into /tmp at every start; a damaged copy is unpacked again, a directory others may write to is not
 * used, and without a cache brotli4j unpacks its own as before.
 */
class BrotliLibraryCacheTest {
    @TempDir Path dir;

    /** The tools run with java.io.tmpdir where nothing can be made: brotli4j could not unpack its own copy there. */
    @Test
    void aToolUnpacksOnceIntoTheCacheAndLoadsFromThereAfter() throws Exception {
        Path spool = writeSpool();
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("CISTERN_CACHE_DIR", cache.toString());
        assertEquals(3, cat(spool, env, true).lines().count(), "the first run unpacks into the cache");
        Path lib = onlyCopy(cache);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
        long inode = inode(lib);
        assertEquals(3, cat(spool, env, true).lines().count(), "later runs load the copy");
        assertEquals(inode, inode(onlyCopy(cache)), "not unpacked again");

        byte[] good = Files.readAllBytes(lib);
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x55;
        Files.write(lib, damaged);
        assertEquals(3, cat(spool, env, true).lines().count(), "a damaged copy is not loaded");
        assertArrayEquals(good, Files.readAllBytes(onlyCopy(cache)), "it is unpacked again");
    }

    @Test
    void withoutAUsableCacheBrotli4jUnpacksItsOwn() throws Exception {
        Path spool = writeSpool();
        Path shared = Files.createDirectories(dir.resolve("shared/native"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(3, cat(spool, Map.of("CISTERN_CACHE_DIR", shared.getParent().toString()), false).lines().count());
        assertEquals(List.of(), list(shared), "a directory others may write to is not used");
        Path cache = dir.resolve("off");
        assertEquals(3, cat(spool, Map.of("CISTERN_CACHE_DIR", cache.toString(), "CISTERN_NATIVE_CACHE", "off"), false)
                .lines().count());
        assertTrue(Files.notExists(cache), "CISTERN_NATIVE_CACHE=off");
    }

    @Test
    void prepareKeepsOneCopyForTheJarItCameFrom() throws Exception {
        Path nat = dir.resolve("native");
        Path jarA = Files.writeString(dir.resolve("a.jar"), "a");
        Path jarB = Files.writeString(dir.resolve("b.jar"), "bb");
        Path a = BrotliLibraryCache.prepare(nat, jarA);
        assertNotNull(a, "this platform has a library: " + BrotliLibraryCache.resource());
        assertEquals(a, BrotliLibraryCache.prepare(nat, jarA));
        Path b = BrotliLibraryCache.prepare(nat, jarB);
        assertNotEquals(a, b, "another jar, another copy");
        assertEquals(2, list(nat).size(), "two jars in use keep a copy each");
        assertEquals(b, BrotliLibraryCache.prepare(nat, jarB));
        FileTime weekAndADayAgo = FileTime.fromMillis(System.currentTimeMillis() - 8 * 86_400_000L);
        Files.setLastModifiedTime(a, weekAndADayAgo);
        assertEquals(a, BrotliLibraryCache.prepare(nat, jarA), "used again: its time says so");
        Path c = BrotliLibraryCache.prepare(nat, Files.writeString(dir.resolve("c.jar"), "ccc"));
        assertEquals(Set.of(a, b, c), Set.copyOf(list(nat)), "copies in use stay");
        Files.setLastModifiedTime(a, weekAndADayAgo);
        Path d = BrotliLibraryCache.prepare(nat, Files.writeString(dir.resolve("d.jar"), "dddd"));
        assertEquals(Set.of(b, c, d), Set.copyOf(list(nat)), "another jar's copy unused for a week is removed");
        Files.setPosixFilePermissions(nat, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNull(BrotliLibraryCache.prepare(nat, jarB), "a directory others may read: not this user's alone");
    }

    /** A developer's rebuilds each make a copy: beside this jar's, the three used last are kept. */
    @Test
    void copiesOfManyJarsAreBoundedToTheOnesUsedLast() throws Exception {
        Path nat = dir.resolve("native");
        List<Path> copies = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Path lib = BrotliLibraryCache.prepare(nat, Files.writeString(dir.resolve(i + ".jar"), "x".repeat(i + 1)));
            Files.setLastModifiedTime(lib, FileTime.fromMillis(System.currentTimeMillis() - (10 - i) * 60_000L));
            copies.add(lib);
        }
        assertEquals(Set.copyOf(copies.subList(2, 6)), Set.copyOf(list(nat)), "the last jar's, and three others");
    }

    /** A directory above the cache that others may write to (and rename in) is not used; /tmp-like sticky ones are. */
    @Test
    void aCacheUnderADirectoryOthersMayWriteToIsNotUsed() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "a");
        Path open = Files.createDirectories(dir.resolve("open"));
        chmod("777", open);
        assertNull(BrotliLibraryCache.prepare(open.resolve("cache/native"), jar), "anyone may rename cache/ in open/");
        chmod("1777", open);
        assertNotNull(BrotliLibraryCache.prepare(open.resolve("cache/native"), jar), "sticky: only cache/'s owner may");
        Path link = Files.createSymbolicLink(dir.resolve("link"), open.resolve("cache"));
        Path viaLink = BrotliLibraryCache.prepare(link.resolve("native"), jar);
        assertEquals(open.resolve("cache/native").toRealPath(), viaLink.getParent(), "loaded by its real path");
    }

    private static void chmod(String mode, Path p) throws Exception {
        assertEquals(0, new ProcessBuilder("chmod", mode, p.toString()).start().waitFor());
    }

    /** `cistern cat` of the spool in a child JVM; {@code noTmp}: with a java.io.tmpdir where nothing can be made. */
    private String cat(Path spool, Map<String, String> env, boolean noTmp) throws Exception {
        List<String> jvm = noTmp ? List.of("-Djava.io.tmpdir=" + dir.resolve("no/such/tmp")) : List.of();
        ProcessBuilder b = ChildJvm.builder(Main.class, jvm, "cat", spool.toString());
        b.environment().putAll(env);
        b.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private Path writeSpool() throws IOException {
        Path spool = dir.resolve("spool");
        try (Spool s = Spool.open(SpoolConfig.builder(spool).shardsPerStream(1).quality(1).build())) {
            StreamWriter w = s.writer("logs");
            for (int i = 0; i < 3; i++) {
                byte[] row = ("{\"ts\":" + (1_763_773_200_000L + i) + ",\"msg\":\"m" + i + "\"}").getBytes(StandardCharsets.UTF_8);
                w.appendJson(row, 0, row.length, 1_763_773_200_000L + i);
            }
            w.seal();
        }
        return spool;
    }

    private static Path onlyCopy(Path cache) throws IOException {
        List<Path> copies = list(cache.resolve("native"));
        assertEquals(1, copies.size(), copies.toString());
        assertTrue(copies.get(0).getFileName().toString().matches("libbrotli-[0-9a-f]+-[0-9a-f]+\\.so"), copies.toString());
        return copies.get(0);
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }
}
