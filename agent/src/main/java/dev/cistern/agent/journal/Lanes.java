package dev.cistern.agent.journal;

/**
 * How journal entries are dealt to applier lanes: entry {@code index} goes to lane
 * {@code index mod count}. The one place that rule lives in the agent; the journal's tailer, the resume
 * plan, the remote_write hand-off and the applier all ask here. A lane writes into the shard of the same
 * number (see {@code JournalFedSpool}, which checks the rule and files its journal ledger by it).
 */
public record Lanes(int count) {
    /**
     * The agent's lanes by default ({@code spool.lanes}). Sealed names are read back lane by lane at restart, so a data
     * directory keeps the count it was written with until the agent changes it ({@code LaneChange}).
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
