package dev.cistern.cli;

import dev.cistern.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Checks shared by commands, with errors that say what to do. */
final class Cli {
    private Cli() {}

    static void requireSpoolDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(new CommandLine(new Main()), dir + " is not a directory");
        }
        if (!Files.isDirectory(new SpoolLayout(dir).sealed())) {
            throw new CommandLine.ParameterException(new CommandLine(new Main()),
                    dir + " is not a spool directory (it has no sealed/ folder)");
        }
    }
}
