package dev.cistern.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cistern.spool.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    /** One rule per stream {@code s0, s1, ...}, each matching the metric of the same name. */
    private static List<RouteRule> oneRulePerStream(int streams) {
        List<RouteRule> rules = new ArrayList<>();
        for (int i = 0; i < streams; i++) rules.add(new RouteRule("s" + i, "m" + i, null, null, Map.of(), false));
        return rules;
    }

    @Test
    void routesEachOfSixtyFourStreamsToItsOwnBit() {
        Router r = new Router(oneRulePerStream(64), null);
        for (int i = 0; i < 64; i++) assertEquals(1L << i, r.route("m" + i, Labels.of(Map.of())), "stream s" + i);
        assertEquals(0, r.route("unmatched", Labels.of(Map.of())));
    }

    @Test
    void refusesASixtyFifthStreamInsteadOfWrappingItOntoTheFirst() {
        assertThrows(IllegalArgumentException.class, () -> new Router(oneRulePerStream(65), null));
        assertThrows(IllegalArgumentException.class, () -> new Router(oneRulePerStream(64), "other"), "the default counts too");
    }

    @Test
    void aStreamNamedTwiceCountsOnce() {
        List<RouteRule> rules = oneRulePerStream(64);
        rules.add(new RouteRule("s0", "again", null, null, Map.of(), false));
        Router r = new Router(rules, "s1");
        assertEquals(64, r.streams().size());
        assertEquals(1L, r.route("again", Labels.of(Map.of())));
    }
}
