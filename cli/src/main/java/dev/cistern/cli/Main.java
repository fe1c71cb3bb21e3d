package dev.cistern.cli;

import dev.cistern.agent.journal.ChronicleSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code cistern} command line. */
@Command(name = "cistern", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "cistern 0.1.0",
        usageHelpAutoWidth = true,
        description = "Compressed disk spool and metrics storage agent.")
public final class Main {
    /**
     * The subcommands, in the order help lists them. Only the one named is given to picocli, which reads every option
     * of every command it is given by reflection: all of them cost each start about 0.1 s of wall time and 0.2 CPU-s
     * (`cat` of an empty spool, 5 runs each; docs/benchmarks.md, "Decoding on every core, and a lighter start").
     */
    private static final List<Class<?>> COMMANDS = List.of(RunCommand.class, LsCommand.class, CatCommand.class,
            StatsCommand.class, VerifyCommand.class, UploadCommand.class, UploadsCommand.class, ReplayCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class);

    /**
     * The commands that encode or decode, which load brotli4j's library from the user's cache: 35-45 ms less at each
     * start of a tool, and no copy left in /tmp by a JVM that is killed (brotli4j deletes its own only at a clean exit).
     * {@code upload} decodes each file before it goes (the uploader's integrity gate).
     */
    private static final Set<String> BROTLI_COMMANDS = Set.of("run", "cat", "verify", "stats", "replay", "bench", "upload");

    static {
        ChronicleSettings.apply(); // before any Chronicle class can load
    }

    public static void main(String[] args) {
        if (args.length > 0 && BROTLI_COMMANDS.contains(args[0])) BrotliLibraryCache.use();
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this directly). */
    public static int execute(String... args) {
        Logging.configure();
        // picocli is left out where it can be (a plain cat line), but not while the launcher records the classes a tool
        // loads for its class archive (class-share.sh): the archive then holds picocli's for every other tool
        CatCommand plainCat = PlainCatLine.read(args);
        if (plainCat != null && System.getenv("CISTERN_CLASS_LIST") == null) return Errors.run(plainCat, "cistern cat");
        CommandLine cl = commandLine(args);
        cl.registerConverter(Path.class, Main::path);
        cl.setParameterExceptionHandler(Errors::onBadArguments);
        cl.setExecutionExceptionHandler(Errors::onFailure);
        return cl.execute(args);
    }

    /** A path from the command line: relative ones resolved once, here (the spool's code compares paths and needs one kind). */
    static Path path(String s) {
        return Path.of(s).toAbsolutePath().normalize();
    }

    /** The command line for these arguments: with the one subcommand they name, or with every one (help, a typo). */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> named = null;
        for (Class<?> c : COMMANDS) {
            if (args.length > 0 && c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0])) named = c;
        }
        if (named != null) {
            cl.addSubcommand(named);
        } else {
            for (Class<?> c : COMMANDS) cl.addSubcommand(c);
        }
        return cl;
    }
}
