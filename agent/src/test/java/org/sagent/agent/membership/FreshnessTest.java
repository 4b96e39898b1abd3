package org.sagent.agent.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sagent.agent.membership.Freshness.Stamp;
import org.sagent.agent.membership.Freshness.Verdict;

/** Which authentic states count: fresh ones, each once, never from a run that is over. */
class FreshnessTest {

    private static final MembershipEvent.Path REPLICATION = MembershipEvent.Path.REPLICATION;
    private static final MembershipEvent.Path LAN = MembershipEvent.Path.LAN;

    private long now = 1_000_000_000L;
    private final Freshness s0 = new Freshness("s0-run", () -> now, Duration.ofSeconds(15));

    private List<Stamp> echoOfOurLatest() {
        return List.of(s0.next().stamp());
    }

    @Test
    void aNewRunOfThePeerCountsOnceItHasHeardUs() {
        assertTrue(s0.heard("s1", new Stamp("s1-run", 1)), "a run not heard before: publish at once");
        assertEquals(Verdict.NOT_YET_HEARD_US, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 1), List.of()));
        assertEquals(List.of(new Stamp("s1-run", 1)), s0.next().echoes().get("s1"), "we echo it");
        assertFalse(s0.heard("s1", new Stamp("s1-run", 2)), "the same run again is no news");
        assertEquals(Verdict.ACCEPTED, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 2), echoOfOurLatest()));
    }

    @Test
    void aMessageCountsOncePerPath() {
        List<Stamp> echo = echoOfOurLatest();
        assertEquals(Verdict.ACCEPTED, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 5), echo));
        assertEquals(Verdict.REPLAYED, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 5), echo));
        assertEquals(Verdict.REPLAYED, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 4), echo));
        assertEquals(Verdict.ACCEPTED, s0.accept(LAN, "s1", new Stamp("s1-run", 5), echo), "the other path's copy");
        assertEquals(Verdict.ACCEPTED, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 6), echo));
    }

    @Test
    void anEchoOlderThanTheWindowOrThanAnAcceptedOneIsStale() {
        List<Stamp> early = echoOfOurLatest();
        now += Duration.ofSeconds(16).toNanos();
        assertEquals(Verdict.STALE, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 1), early),
                "made before 16 s ago: a delayed or recorded message");
        List<Stamp> later = echoOfOurLatest();
        assertEquals(Verdict.ACCEPTED, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 2), later));
        List<Stamp> between = List.of(new Stamp("s0-run", later.get(0).seq() - 1));
        assertEquals(Verdict.STALE, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 3), between),
                "echoes less than an accepted message did");
        assertEquals(Verdict.STALE, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 4),
                List.of(new Stamp("s0-run", 999))), "echoes a stamp we never made");
    }

    @Test
    void anEchoOfAnEarlierRunOfOursIsNotAnEcho() {
        s0.next();
        assertEquals(Verdict.NOT_YET_HEARD_US, s0.accept(REPLICATION, "s1", new Stamp("s1-run", 1),
                List.of(new Stamp("s0-previous-run", 1))));
    }

    @Test
    void onceANewRunIsAcceptedTheOldOneIsOver() {
        assertEquals(Verdict.ACCEPTED, s0.accept(REPLICATION, "s1", new Stamp("old", 7), echoOfOurLatest()));
        s0.heard("s1", new Stamp("old", 7));
        assertEquals(Verdict.ACCEPTED, s0.accept(REPLICATION, "s1", new Stamp("new", 1), echoOfOurLatest()));
        assertEquals(Verdict.RETIRED_RUN, s0.accept(REPLICATION, "s1", new Stamp("old", 8), echoOfOurLatest()),
                "a message of the old run we never got (held back by someone) is refused");
        assertEquals(Verdict.RETIRED_RUN, s0.accept(LAN, "s1", new Stamp("old", 9), echoOfOurLatest()));
        assertFalse(s0.heard("s1", new Stamp("old", 10)), "and no longer echoed");
        assertFalse(s0.next().echoes().getOrDefault("s1", List.of()).stream().anyMatch(s -> s.run().equals("old")));
    }

    @Test
    void replayedOldRunsCannotPushTheLiveRunOutOfTheEchoesForLong() {
        s0.heard("s1", new Stamp("live", 1));
        for (int i = 0; i < 6; i++) {
            s0.heard("s1", new Stamp("recorded-" + i, 100));
        }
        assertFalse(s0.next().echoes().get("s1").contains(new Stamp("live", 1)), "pushed out for a moment");
        for (int i = 2; i < 6; i++) {
            assertFalse(s0.heard("s1", new Stamp("recorded-" + i, 100)), "a replay advances nothing");
        }
        s0.heard("s1", new Stamp("live", 2));
        assertEquals(new Stamp("live", 2), s0.next().echoes().get("s1").get(0), "its next message puts it first");
        assertEquals(Freshness.ECHOED_RUNS, s0.next().echoes().get("s1").size());
    }
}
