package dev.cistern.agent.remotewrite;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * Decodes remote_write bodies read back from the journal (1.0 or 2.0, snappy, validated and cut by
 * the drop policies before they were journaled), for an applier lane that has no hand-off for them.
 * One per lane: its readers share the lane's series cache.
 */
public final class JournaledRequests {
    private static final int KEEP_BUFFER_BYTES = 16 << 20;

    private final WriteRequestReader v1;
    private final WriteV2Reader v2;
    private final SeriesCache cache;
    private byte[] raw;

    public JournaledRequests(SeriesCache cache, WriteRequestReader.SeriesMaker maker) {
        this.cache = cache;
        this.v1 = new WriteRequestReader(cache, maker);
        this.v2 = new WriteV2Reader(cache, maker);
    }

    /** Forgets the lane's series when the routing changed (a config reload): see {@link SeriesCache#forgetIfNot}. */
    public void forgetSeriesIfNot(long routingGeneration) {
        cache.forgetIfNot(routingGeneration);
    }

    /** A 1.0 WriteRequest, what it allocates charged to {@code charge} (a lane's gate pass); throws on what it cannot decode. */
    public DecodedRequest readV1(byte[] body, LongConsumer charge) throws IOException {
        v1.read(body, charge);
        return v1.decoded();
    }

    /**
     * A 2.0 Request; throws {@link InvalidWriteRequestException} on anything it cannot decode. The decompressed body and
     * the rows handed out are charged (2.0's decoder does not report its own arrays as they grow).
     */
    public DecodedRequest readV2(byte[] body, LongConsumer charge) {
        RemoteWriteDecoder.Decoded d = RemoteWriteDecoder.decompress(body, body.length, Integer.MAX_VALUE, raw, charge);
        if (d.bytes().length <= KEEP_BUFFER_BYTES) raw = d.bytes();
        return v2.read(d.bytes(), d.length(), RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE, charge);
    }
}
