package dev.cistern.cli;

import dev.cistern.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/** The agent in a child JVM (`cistern run`), so a test can kill -9 it. Its output goes to a log file. */
public final class AgentProcess implements AutoCloseable {
    /** A small heap, and the flags Chronicle Queue needs on Java 17 and the OOM exit (as bin/cistern passes them). */
    private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true");
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final Path log;
    private final Thread pump;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.println(line);
                    w.flush();
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) port.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException ignored) {
                // the child died
            }
            port.completeExceptionally(new IOException("agent exited before listening; see " + log));
        }, "agent-output");
        pump.setDaemon(true);
        pump.start();
    }

    public static AgentProcess start(Path data, Path config, Path log) throws IOException {
        return start(data, config, log, Map.of());
    }

    /** As {@link #start(Path, Path, Path)}, with variables added to the child's environment (AWS credentials). */
    public static AgentProcess start(Path data, Path config, Path log, Map<String, String> env) throws IOException {
        return start(data, config, log, env, List.of());
    }

    /** As {@link #start(Path, Path, Path, Map)}, with JVM flags after the usual ones (a later -Xmx wins; a test fault). */
    public static AgentProcess start(Path data, Path config, Path log, Map<String, String> env, List<String> jvmFlags)
            throws IOException {
        return new AgentProcess(builder(data, config, env, jvmFlags).start(), log);
    }

    /** As {@link #start(Path, Path, Path)}, through {@code wrapper} (nohup, say), which execs the JVM in its place. */
    public static AgentProcess startThrough(String wrapper, Path data, Path config, Path log) throws IOException {
        ProcessBuilder b = builder(data, config, Map.of(), List.of());
        b.command().add(0, wrapper);
        return new AgentProcess(b.start(), log);
    }

    private static ProcessBuilder builder(Path data, Path config, Map<String, String> env, List<String> jvmFlags) {
        List<String> args = new ArrayList<>(List.of("run", "--data", data.toString(), "--listen", "127.0.0.1:0"));
        if (config != null) args.addAll(List.of("--config", config.toString()));
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.addAll(jvmFlags);
        ProcessBuilder b = ChildJvm.builder(Main.class, flags, args.toArray(String[]::new)).redirectErrorStream(true);
        // test samples carry fixed 2025 timestamps: widen the default 7-day window unless a test sets it
        b.environment().put("CISTERN_INGEST__REMOTE_WRITE__MAX_AGE", "36500d");
        b.environment().putAll(env);
        return b;
    }

    /** Skips a test that sends SIGHUP when this test run ignores it (started under nohup): the agent says so. */
    public void assumeHangupDelivered() throws IOException {
        Assumptions.assumeFalse(log().contains("SIGHUP is ignored"),
                "SIGHUP is ignored in this test run (started under nohup?), so it cannot reach the agent");
    }

    public int awaitPort() throws Exception {
        return port.get(120, TimeUnit.SECONDS);
    }

    /** The child's process id, for signals a test sends itself ({@code kill -HUP}). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hooks, no flushing, nothing. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the exit code. */
    public int terminate() throws InterruptedException {
        // Process.destroy() would also close our end of the child's output, losing what it logs while stopping
        process.toHandle().destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent did not exit within 90 s of SIGTERM");
        }
        pump.join(TimeUnit.SECONDS.toMillis(10)); // the lines it wrote while stopping are in the log before a test reads it
        return process.exitValue();
    }

    /** Waits up to {@code timeout} for the child to exit by itself; its exit code, or null while it still runs. */
    public Integer awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) return null;
        pump.join(TimeUnit.SECONDS.toMillis(10)); // as in terminate
        return process.exitValue();
    }

    /** SIGTERM without waiting; unlike Process.destroy, the child's output is still read to its end. */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** The child's output so far. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** For failure messages: whether the child still runs, or how it ended. */
    public String state() {
        return process.isAlive() ? "still running" : "exited with code " + process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
