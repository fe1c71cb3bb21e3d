package dev.cistern.cli.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, 3: both launchers (the archive's and the source tree's bin/cistern) start the agent with the memory defaults
 * of jvm-memory.sh, and JAVA_OPTS wins over them. The launcher's {@code java} is a stand-in that starts the real JVM
 * with the launcher's flags up to {@code -jar} and has it print the flags and properties in force. The tools also start
 * with C1 alone and from a class-data sharing archive the launcher makes in the background (class-share.sh).
 */
class LauncherMemoryTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir Path dir;

    @Test
    void archiveLauncherSizesTheAgent() throws Exception {
        Map<String, String> in = flags(archiveHome(), "", "run");
        assertEquals("134217728", in.get("MaxHeapSize"), "-Xmx128m");
        assertEquals("true", in.get("UseSerialGC"));
        assertEquals("67108864", in.get("MaxDirectMemorySize"));
        assertEquals("512", in.get("ThreadStackSize"), "-Xss512k");
        assertEquals("134217728", in.get("MaxMetaspaceSize"));
        assertEquals("67108864", in.get("ReservedCodeCacheSize"));
        assertEquals("262144", in.get("jdk.nio.maxCachedBufferSize"));
        assertEquals("2", in.get("MALLOC_ARENA_MAX"));
    }

    @Test
    void javaOptsWinOverTheDefaults() throws Exception {
        Map<String, String> in = flags(archiveHome(), "-Xmx64m -XX:+UseParallelGC -XX:MaxDirectMemorySize=32m", "run");
        assertEquals("67108864", in.get("MaxHeapSize"));
        // a second collector would stop the JVM ("multiple garbage collectors selected"): the default one is left out
        assertEquals("true", in.get("UseParallelGC"));
        assertEquals("false", in.get("UseSerialGC"));
        assertEquals("33554432", in.get("MaxDirectMemorySize"));
        assertEquals("512", in.get("ThreadStackSize"), "the defaults JAVA_OPTS does not set stay");
    }

    @Test
    void aSmallHeapCompilesWithC1AloneAndTheNativeHeapIsTrimmed() throws Exception {
        // edge.yaml's -Xmx64m: C2's arenas and code were 25-40 MiB of native memory beside the 64 MiB heap
        Map<String, String> small = flags(archiveHome(), "-Xmx64m", "run");
        assertEquals("1", small.get("TieredStopAtLevel"));
        assertEquals("1000", small.get("TrimNativeHeapInterval"), "this JDK (17.0.11 or later) trims");
        assertEquals("1", flags(archiveHome(), "-Xmx128m", "run").get("TieredStopAtLevel"));
        // the default heap is 128 MiB: C2 took its peak anonymous memory from 186 to 236 MiB under the issue-13 load
        Map<String, String> usual = flags(archiveHome(), "", "run");
        assertEquals("1", usual.get("TieredStopAtLevel"), "the default heap is small too");
        assertEquals("1000", usual.get("TrimNativeHeapInterval"));
        assertEquals("4", flags(archiveHome(), "-Xmx64m -XX:TieredStopAtLevel=4", "run").get("TieredStopAtLevel"), "JAVA_OPTS wins");
        assertEquals("4", flags(archiveHome(), "-XX:TieredStopAtLevel=4", "run").get("TieredStopAtLevel"), "also at the default heap");
        Map<String, String> big = flags(archiveHome(), "-Xmx1g", "run");
        assertEquals("4", big.get("TieredStopAtLevel"), "a heap over 128 MiB keeps C2");
        assertEquals("0", big.get("TrimNativeHeapInterval"), "and glibc's own ways");
        assertEquals("4", flags(archiveHome(), "-XX:MaxRAMPercentage=1", "run").get("TieredStopAtLevel"),
                "a heap the launcher cannot read keeps C2");
    }

    @Test
    void maxRamPercentageIsNotHiddenBehindTheDefaultHeap() throws Exception {
        Map<String, String> in = flags(archiveHome(), "-XX:MaxRAMPercentage=1", "run");
        long machine = Long.parseLong(in.get("MaxHeapSize"));
        assertTrue(machine != 134217728L, "MaxRAMPercentage sizes the heap, not the default -Xmx128m: " + machine);
    }

    @Test
    void otherCommandsKeepTheJvmsOwnSizing() throws Exception {
        // `bench ingest` holds a whole load in its heap; cat, verify and the rest are short-lived tools
        Map<String, String> in = flags(archiveHome(), "", "bench");
        assertTrue(Long.parseLong(in.get("MaxHeapSize")) != 134217728L, in.get("MaxHeapSize"));
        assertEquals("1024", in.get("ThreadStackSize"), "the JVM's default stack");
        assertEquals("false", in.get("UseSerialGC"), "bench keeps the JVM's collector for its big heap");
        Map<String, String> cat = flags(archiveHome(), "", "cat");
        assertTrue(Long.parseLong(cat.get("MaxHeapSize")) != 134217728L, cat.get("MaxHeapSize"));
        assertEquals("true", cat.get("UseSerialGC"), "a tool starts faster with the serial collector");
        assertEquals("true", flags(archiveHome(), "-XX:+UseParallelGC", "cat").get("UseParallelGC"), "JAVA_OPTS wins");
        // the JVM reads JAVA_TOOL_OPTIONS too: a second collector would stop it from starting
        Map<String, String> tool = run(archiveHome().resolve("bin/cistern"), "", "cat", "/bin:/usr/bin",
                Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC"));
        assertEquals("true", tool.get("UseParallelGC"));
        assertEquals("false", tool.get("UseSerialGC"));
    }

    @Test
    void toolsCompileWithC1Alone() throws Exception {
        // C2 spent about a second of CPU compiling cat's filters on 2 cores: cat of 1M or 4M rows ended sooner without it
        assertEquals("1", flags(archiveHome(), "", "cat").get("TieredStopAtLevel"));
        assertEquals("4", flags(archiveHome(), "-XX:TieredStopAtLevel=4", "cat").get("TieredStopAtLevel"), "JAVA_OPTS wins");
        assertEquals("4", flags(archiveHome(), "", "bench").get("TieredStopAtLevel"), "bench measures with both compilers");
    }

    @Test
    void toolsAskForHugePagesWhereTheKernelHasThemAndTheAgentDoesNot() throws Exception {
        // cat's decoded blocks fill an eden never touched: a page fault each 4 KiB cost a fifth of its CPU
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String thp = Files.isReadable(setting) ? Files.readString(setting) : "";
        boolean offered = thp.contains("[always]") || thp.contains("[madvise]");
        assertEquals(String.valueOf(offered), flags(archiveHome(), "", "cat").get("UseTransparentHugePages"), thp);
        assertEquals(String.valueOf(offered), flags(archiveHome(), "", "verify").get("UseTransparentHugePages"), thp);
        assertEquals("false", flags(archiveHome(), "-XX:-UseTransparentHugePages", "cat").get("UseTransparentHugePages"),
                "JAVA_OPTS wins");
        assertEquals("false", flags(archiveHome(), "", "run").get("UseTransparentHugePages"), "the agent's resident set is sized");
        assertEquals("false", flags(archiveHome(), "", "bench").get("UseTransparentHugePages"));
        assertEquals("false", flags(archiveHome(), "", "upload").get("UseTransparentHugePages"), "upload may run for days");
    }

    @Test
    void catRecordsItsClassesTheNextToolDumpsThemAndLaterOnesStartFromTheArchive() throws Exception {
        Path cacheDir = dir.resolve("cache dir"); // a space in the path: the flag must stay one word
        Map<String, String> cache = Map.of("CISTERN_CACHE_DIR", cacheDir.toString());
        Path launcher = archiveHome().resolve("bin/cistern");
        assertFalse(run(launcher, "", "ls", "/bin:/usr/bin", cache).getOrDefault("DumpLoadedClassList", "").contains(".classlist."),
                "only cat records");
        Map<String, String> first = run(launcher, "", "cat", "/bin:/usr/bin", cache);
        assertTrue(first.getOrDefault("DumpLoadedClassList", "").contains(".classlist."), "the first cat records its classes");
        assertEquals("recording", first.get("CISTERN_CLASS_LIST"), "with picocli, which a plain cat line leaves out");
        assertFalse(archiveIn(first), "none yet");
        try (var files = Files.list(cacheDir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().contains(".classlist.")), "its list is written");
        }
        Map<String, String> second = run(launcher, "", "ls", "/bin:/usr/bin", cache); // dumps them in the background
        assertFalse(archiveIn(second));
        Path archive = null;
        for (int i = 0; i < 600 && archive == null; i++) {
            try (var files = Files.list(cacheDir)) {
                archive = files.filter(f -> f.getFileName().toString().endsWith(".jsa")).findFirst().orElse(null);
            }
            if (archive == null) Thread.sleep(100);
        }
        assertTrue(archive != null, "no archive made in 60 s");
        Map<String, String> next = run(launcher, "", "cat", "/bin:/usr/bin", cache);
        assertEquals(archive.toString(), next.get("SharedArchiveFile"));
        assertEquals("unset", next.get("CISTERN_CLASS_LIST"));
        assertFalse(next.getOrDefault("DumpLoadedClassList", "").contains(".classlist."), "recorded once");
        assertEquals(archive.toString(), run(launcher, "", "verify", "/bin:/usr/bin", cache).get("SharedArchiveFile"), "every tool");
        byte[] made = Files.readAllBytes(archive);
        archive.toFile().setWritable(true);
        Files.write(archive, new byte[] {'n', 'o', 't', ' ', 'a', 'n', ' ', 'a', 'r', 'c', 'h', 'i', 'v', 'e'}); // damaged
        assertEquals(archive.toString(), run(launcher, "", "cat", "/bin:/usr/bin", cache).get("SharedArchiveFile"),
                "a damaged archive is handed over, and the JVM starts without it (run() asserts exit 0)");
        Files.write(archive, made);
        assertFalse(archiveIn(run(launcher, "", "run", "/bin:/usr/bin", cache)), "the agent starts as ever");
        assertEquals("/x.jsa", run(launcher, "-XX:SharedArchiveFile=/x.jsa", "cat", "/bin:/usr/bin", cache).get("SharedArchiveFile"),
                "JAVA_OPTS wins");
        Map<String, String> off = new HashMap<>(cache);
        off.put("CISTERN_CLASS_SHARE", "off");
        assertFalse(archiveIn(run(launcher, "", "cat", "/bin:/usr/bin", off)));
    }

    private static boolean archiveIn(Map<String, String> flags) {
        return flags.getOrDefault("SharedArchiveFile", "").endsWith(".jsa");
    }

    @Test
    void sourceTreeLauncherUsesTheSameDefaults() throws Exception {
        Path root = dir.resolve("repo");
        copy(REPO.resolve("bin/cistern"), root.resolve("bin/cistern"));
        copy(REPO.resolve("cli/src/dist/bin/jvm-memory.sh"), root.resolve("cli/src/dist/bin/jvm-memory.sh"));
        copy(REPO.resolve("cli/src/dist/bin/class-share.sh"), root.resolve("cli/src/dist/bin/class-share.sh"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.writeString(root.resolve("cli/target/cistern.jar"), ""); // present, and no sources newer: no build
        Path fakeBin = Files.createDirectories(dir.resolve("path"));
        fakeJava(fakeBin.resolve("java"));
        Map<String, String> in = run(root.resolve("bin/cistern"), "", "run", fakeBin + ":/bin:/usr/bin");
        assertEquals("134217728", in.get("MaxHeapSize"));
        assertEquals("true", in.get("UseSerialGC"));
        assertEquals("67108864", in.get("MaxDirectMemorySize"));
        assertEquals("2", in.get("MALLOC_ARENA_MAX"));
        assertEquals("1", run(root.resolve("bin/cistern"), "-Xmx64m", "run", fakeBin + ":/bin:/usr/bin").get("TieredStopAtLevel"));
    }

    /** The archive's layout: bin/cistern (its Maven token filled as the build does), bin/jvm-memory.sh, runtime/bin/java. */
    private Path archiveHome() throws IOException {
        Path home = dir.resolve("home");
        if (Files.exists(home.resolve("bin/cistern"))) return home;
        String launcher = Files.readString(REPO.resolve("cli/src/dist/bin/cistern")).replace("@cistern.jvm.flags@", "");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/cistern"), launcher);
        executable(home.resolve("bin/cistern"));
        copy(REPO.resolve("cli/src/dist/bin/jvm-memory.sh"), home.resolve("bin/jvm-memory.sh"));
        copy(REPO.resolve("cli/src/dist/bin/class-share.sh"), home.resolve("bin/class-share.sh"));
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/cistern.jar"), "");
        Files.createDirectories(home.resolve("runtime/bin"));
        fakeJava(home.resolve("runtime/bin/java"));
        return home;
    }

    private Map<String, String> flags(Path home, String javaOpts, String command) throws Exception {
        return run(home.resolve("bin/cistern"), javaOpts, command, "/bin:/usr/bin");
    }

    /** Runs {@code launcher command} and reads the JVM flags, system properties and MALLOC_ARENA_MAX it ran with. */
    private static Map<String, String> run(Path launcher, String javaOpts, String command, String path) throws Exception {
        return run(launcher, javaOpts, command, path, Map.of());
    }

    private static Map<String, String> run(Path launcher, String javaOpts, String command, String path, Map<String, String> env)
            throws Exception {
        ProcessBuilder b = new ProcessBuilder(launcher.toString(), command).redirectErrorStream(true);
        b.environment().clear();
        b.environment().put("PATH", path);
        b.environment().putAll(env);
        if (!javaOpts.isEmpty()) b.environment().put("JAVA_OPTS", javaOpts);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> found = new HashMap<>();
        // PrintFlagsFinal: "     size_t MaxHeapSize   = 134217728   {product} {command line}"; properties: "    key = value"
        // (a value runs to the flag's {origin}: a path may hold a space)
        Matcher m = Pattern.compile("(?m)^\\s*(?:\\S+\\s+)?([\\w.]+)\\s+:?=[ \\t]*(.*?)[ \\t]*(?:\\{.*)?$").matcher(out);
        while (m.find()) found.putIfAbsent(m.group(1), m.group(2));
        return found;
    }

    /** A stand-in for java: the real JVM with the launcher's flags up to -jar, printing what is in force. */
    private static void fakeJava(Path at) throws IOException {
        String real = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(at, String.join("\n", List.of(
                "#!/bin/bash",
                "args=()",
                "for a in \"$@\"; do [ \"$a\" = -jar ] && break; args+=(\"$a\"); done",
                "echo \"MALLOC_ARENA_MAX = ${MALLOC_ARENA_MAX:-unset}\"",
                "echo \"CISTERN_CLASS_LIST = ${CISTERN_CLASS_LIST:-unset}\"",
                "exec " + real + " \"${args[@]}\" -XshowSettings:properties -XX:+PrintFlagsFinal -version", "")));
        executable(at);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
        executable(to);
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
