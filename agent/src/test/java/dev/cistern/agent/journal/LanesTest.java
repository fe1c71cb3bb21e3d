package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LanesTest {
    @Test
    void entriesAreDealtRoundRobin() {
        for (long i = 0; i < 10; i++) assertEquals((int) (i % 2), new Lanes(2).laneOf(i));
        assertEquals(0, Lanes.ONE.laneOf(123));
    }

    @Test
    void thereIsAtLeastOneLane() {
        assertThrows(IllegalArgumentException.class, () -> new Lanes(0));
    }
}
