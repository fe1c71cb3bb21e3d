package dev.cistern.agent.journal;

/**
 * How journal entries are dealt to applier lanes: entry {@code index} goes to lane
 * {@code index mod count}. The one place that rule lives in the agent; the journal's tailer, the resume
 * plan, the remote_write hand-off and the applier all ask here. A lane writes into the shard of the same
 * number (see {@code JournalFedSpool}, which checks the rule and files its journal ledger by it).
 */
public record Lanes(int count) {
    /**
     * The agent's lanes. Fixed, because sealed names are read back lane by lane at restart: a data
     * directory must keep the count it was written with.
     */
    public static final Lanes AGENT = new Lanes(2);
    /** Every entry in one lane. */
    public static final Lanes ONE = new Lanes(1);

    public Lanes {
        if (count < 1) throw new IllegalArgumentException("lanes must be at least 1, was " + count);
    }

    /** The lane that handles journal entry {@code index}. */
    public int laneOf(long index) {
        return (int) Math.floorMod(index, (long) count);
    }
}
