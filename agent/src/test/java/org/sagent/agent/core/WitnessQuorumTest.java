package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spec 7.2 as amended: a node reaches the witness only when a strict majority of the witnesses answer it. */
class WitnessQuorumTest {

    @Test
    void oneWitnessIsReachedWhenItAnswers() {
        assertTrue(WitnessQuorum.reached(1, 1));
        assertFalse(WitnessQuorum.reached(0, 1));
    }

    @Test
    void threeWitnessesNeedTwo() {
        assertFalse(WitnessQuorum.reached(0, 3));
        assertFalse(WitnessQuorum.reached(1, 3), "one of three is no majority");
        assertTrue(WitnessQuorum.reached(2, 3));
        assertTrue(WitnessQuorum.reached(3, 3));
    }

    @Test
    void anEvenNumberNeedsMoreThanHalf() {
        assertFalse(WitnessQuorum.reached(1, 2), "one of two: the other side of a split may have the other");
        assertTrue(WitnessQuorum.reached(2, 2));
        assertFalse(WitnessQuorum.reached(2, 4));
        assertTrue(WitnessQuorum.reached(3, 4));
        assertEquals(1, WitnessQuorum.needed(1));
        assertEquals(2, WitnessQuorum.needed(2));
        assertEquals(2, WitnessQuorum.needed(3));
        assertEquals(3, WitnessQuorum.needed(4));
        assertEquals(3, WitnessQuorum.needed(5));
    }

    @Test
    void noWitnessConfiguredIsNeverReached() {
        assertFalse(WitnessQuorum.reached(0, 0));
    }

    /**
     * Every way of splitting up to 9 witnesses between two sides of a LAN split (each witness on
     * one side, or cut off from both): never do both sides reach the witness.
     */
    @Test
    void twoSidesOfASplitNeverBothReachTheWitness() {
        int checked = 0;
        for (int configured = 1; configured <= 9; configured++) {
            for (int left = 0; left <= configured; left++) {
                for (int right = 0; left + right <= configured; right++) {
                    assertFalse(WitnessQuorum.reached(left, configured) && WitnessQuorum.reached(right, configured),
                            left + " and " + right + " of " + configured + " witnesses: both sides would win");
                    checked++;
                }
            }
        }
        assertEquals(219, checked, "splits examined");
    }

    @Test
    void countsThatCannotBeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WitnessQuorum.reached(4, 3));
        assertThrows(IllegalArgumentException.class, () -> WitnessQuorum.reached(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> WitnessQuorum.needed(-1));
    }
}
