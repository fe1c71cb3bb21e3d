package dev.cistern.cli;

import dev.cistern.agent.journal.ChronicleSettings;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code cistern} command line. */
@Command(name = "cistern", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "cistern 0.1.0",
        usageHelpAutoWidth = true,
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
        // relative paths resolved once, here: the spool's code compares paths and needs one kind
        cl.registerConverter(Path.class, s -> Path.of(s).toAbsolutePath().normalize());
        cl.setParameterExceptionHandler(Errors::onBadArguments);
        cl.setExecutionExceptionHandler(Errors::onFailure);
        return cl.execute(args);
    }
}
