package dev.cistern.agent.journal;

/**
 * What reading one cycle file from its start found: {@code entries} documents that read back in
 * order (of which {@code damagedEntries} fail their checksum), and whether anything after them was
 * lost ({@code tailLost}: bytes or entries the file's header or contents say were written, that no
 * longer read). {@code unreadable}: the file's own header does not parse, so nothing in it reads.
 */
record CycleCheck(int cycle, long entries, long damagedEntries, long damagedBytes, boolean tailLost, long lostEntries,
                  long lostBytes, boolean unreadable, String why) {

    boolean needsRebuild() {
        return tailLost || unreadable;
    }

    static CycleCheck unreadable(int cycle, long bytes, String why) {
        return new CycleCheck(cycle, 0, 0, 0, true, 1, bytes, true, why);
    }
}
