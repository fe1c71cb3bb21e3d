package dev.cistern.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of the test classpath in a child JVM (for kill -9 and small-heap tests). */
public final class ChildJvm {
    private ChildJvm() {}

    /** The child's command line: this JVM's java, the given JVM flags, this test's classpath, main and its arguments. */
    public static ProcessBuilder builder(Class<?> main, List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Starts the child with stdout and stderr together in {@code output}. */
    public static Process start(Class<?> main, List<String> jvmArgs, Path output, String... args) throws IOException {
        return builder(main, jvmArgs, args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
