package dev.cistern.cli;

import dev.cistern.agent.journal.ChronicleSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cistern} command line. */
@Command(name = "cistern", mixinStandardHelpOptions = true, version = "cistern 0.1.0",
        description = "Compressed disk spool and metrics storage agent.",
        subcommands = {RunCommand.class, LsCommand.class, CatCommand.class, StatsCommand.class,
                VerifyCommand.class, UploadCommand.class, UploadsCommand.class, ReplayCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    static {
        ChronicleSettings.apply(); // before any Chronicle class can load
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this directly). */
    public static int execute(String... args) {
        Logging.configure();
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cistern " + cmd.getCommandName() + ": " + e.getMessage());
            if (Boolean.getBoolean("cistern.debug")) e.printStackTrace(cmd.getErr());
            return 2;
        });
        return cl.execute(args);
    }
}
