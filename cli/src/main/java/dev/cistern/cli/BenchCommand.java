package dev.cistern.cli;

import picocli.CommandLine.Command;

@Command(name = "bench",
        description = "Measure Cistern on this machine.", subcommands = {BenchWriteCommand.class, BenchIngestCommand.class})
final class BenchCommand {
}
