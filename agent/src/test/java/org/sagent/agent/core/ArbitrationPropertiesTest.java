package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sagent.agent.core.Arbitration.Decision;
import org.sagent.agent.core.Arbitration.TieBreak;

/**
 * Every world two nodes can be in after the replication cable is cut: each alive or not,
 * healthy or not, each reaching the witness or not, each heard by the other on the LAN or
 * not (in each direction separately), each tie-break. Each live node decides from what it
 * sees; a winner that waits for its peer's stand-down resumes only if the peer decided to
 * lose and its message gets through. In no world do both resume.
 */
class ArbitrationPropertiesTest {

    /** One world, and what each node can see of it. */
    record World(boolean aliveA, boolean aliveB, boolean healthyA, boolean healthyB, boolean witnessA,
                 boolean witnessB, boolean aHearsB, boolean bHearsA, TieBreak tieBreak) {

        /** The assumption Arbitration states: both reaching the witness means they reach each other. */
        boolean physical() {
            return !(witnessA && witnessB && aliveA && aliveB) || (aHearsB && bHearsA);
        }
    }

    private static Arbitration.View viewOfA(World w) {
        boolean peerOnLan = w.aliveB() && w.aHearsB();
        return new Arbitration.View("s0", 0, w.healthyA(), w.witnessA(), "s1", 1, false, peerOnLan,
                w.healthyB(), w.witnessB(), w.tieBreak());
    }

    private static Arbitration.View viewOfB(World w) {
        boolean peerOnLan = w.aliveA() && w.bHearsA();
        return new Arbitration.View("s1", 1, w.healthyB(), w.witnessB(), "s0", 0, false, peerOnLan,
                w.healthyA(), w.witnessA(), w.tieBreak());
    }

    private static boolean resumes(Decision own, Decision peer, boolean alive, boolean peerAlive, boolean hearsPeer) {
        if (!alive) {
            return false;
        }
        return own == Decision.WIN_NOW
                || own == Decision.WIN_AFTER_PEER_STANDS_DOWN && peerAlive && peer == Decision.LOSE && hearsPeer;
    }

    private static List<World> worlds() {
        List<World> all = new ArrayList<>();
        List<TieBreak> ties = List.of(new TieBreak.LowestNumber(), new TieBreak.Prefer("s0"), new TieBreak.Prefer("s1"),
                new TieBreak.Prefer("s9"));
        for (int bits = 0; bits < 1 << 8; bits++) {
            for (TieBreak tie : ties) {
                all.add(new World((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0,
                        (bits & 16) != 0, (bits & 32) != 0, (bits & 64) != 0, (bits & 128) != 0, tie));
            }
        }
        return all;
    }

    @Test
    void neverDoBothNodesResume() {
        int checked = 0;
        for (World w : worlds()) {
            if (!w.physical()) {
                continue;
            }
            Decision a = Arbitration.decide(viewOfA(w));
            Decision b = Arbitration.decide(viewOfB(w));
            boolean resumeA = resumes(a, b, w.aliveA(), w.aliveB(), w.aHearsB());
            boolean resumeB = resumes(b, a, w.aliveB(), w.aliveA(), w.bHearsA());
            assertFalse(resumeA && resumeB, w + ": A " + a + ", B " + b);
            checked++;
        }
        assertTrue(checked > 900, "worlds checked: " + checked); // 976 of the 1024 are physical
    }

    @Test
    void whenBothSeeEachOtherAndTheWitnessExactlyOneResumes() {
        for (World w : worlds()) {
            if (!(w.aliveA() && w.aliveB() && w.witnessA() && w.witnessB() && w.aHearsB() && w.bHearsA())) {
                continue;
            }
            Decision a = Arbitration.decide(viewOfA(w));
            Decision b = Arbitration.decide(viewOfB(w));
            int resuming = (resumes(a, b, true, true, true) ? 1 : 0) + (resumes(b, a, true, true, true) ? 1 : 0);
            assertEquals(1, resuming, w + ": A " + a + ", B " + b);
        }
    }

    @Test
    void aSurvivorThatReachesTheWitnessResumesAloneAndAnIsolatedNodeNeverDoes() {
        for (World w : worlds()) {
            if (w.aliveA() && !w.aliveB() && w.witnessA()) {
                assertEquals(Decision.WIN_NOW, Arbitration.decide(viewOfA(w)), w.toString()); // F15
            }
            if (w.aliveA() && !w.witnessA() && !w.aHearsB()) {
                assertEquals(Decision.WAIT, Arbitration.decide(viewOfA(w)), w.toString()); // F16
            }
        }
    }

    @Test
    void theHealthyNodeWinsAndATieGoesToTheLowestNumberOrThePreferredNode() {
        Arbitration.View healthyPeer = new Arbitration.View("s0", 0, false, true, "s1", 1, false, true, true, true,
                new TieBreak.LowestNumber());
        assertEquals(Decision.LOSE, Arbitration.decide(healthyPeer));
        Arbitration.View tie = new Arbitration.View("s1", 1, true, true, "s0", 0, false, true, true, true,
                new TieBreak.LowestNumber());
        assertEquals(Decision.LOSE, Arbitration.decide(tie));
        Arbitration.View preferred = new Arbitration.View("s1", 1, true, true, "s0", 0, false, true, true, true,
                new TieBreak.Prefer("s1"));
        assertEquals(Decision.WIN_AFTER_PEER_STANDS_DOWN, Arbitration.decide(preferred));
        assertEquals(Decision.NOT_NEEDED, Arbitration.decide(new Arbitration.View("s0", 0, true, true, "s1", 1, true,
                true, true, true, new TieBreak.LowestNumber())));
    }
}
