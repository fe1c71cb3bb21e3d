package dev.cistern.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** How the CLI reports a problem: one line that names it, then a hint; never the whole usage. */
final class Errors {
    private Errors() {}

    /** Bad arguments: exit 2. */
    static int onBadArguments(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(prefix(cmd) + e.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A command that failed while running: exit 2, the cause in words (its stack with -Dcistern.debug=true). */
    static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof ParameterException pe) return onBadArguments(pe, parsed.originalArgs().toArray(String[]::new));
        return report(cmd.getCommandSpec().qualifiedName(), e, cmd.getErr());
    }

    /** Runs a command read without picocli ({@link PlainCatLine}), reporting a failure as {@link #onFailure} does. */
    static int run(Callable<Integer> command, String name) {
        try {
            return command.call();
        } catch (Exception e) {
            return report(name, e, new PrintWriter(System.err, true));
        }
    }

    private static int report(String command, Exception e, PrintWriter err) {
        err.println(command + ": " + describe(e));
        if (Boolean.getBoolean("cistern.debug")) e.printStackTrace(err);
        err.flush();
        return 2;
    }

    /** An exception as a sentence: file system errors name the file and what is wrong with it. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException f) return f.getFile() + ": no such file or directory";
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof NotDirectoryException f) return f.getFile() + ": not a directory";
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) return e.getClass().getSimpleName();
        return e.getMessage();
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }
}
