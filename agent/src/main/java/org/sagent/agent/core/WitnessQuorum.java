package org.sagent.agent.core;

/**
 * When a node counts as reaching the witness (spec 7.2): a strict majority of the configured
 * witnesses answered its own requests in the last round; with one witness, that one. Pure.
 *
 * <p>Why a majority and not "any one": a LAN split puts each witness on one side at most, so
 * two sides of a split cannot both hold more than half of them, and a cut replication cable
 * during the split cannot give both sides a witness and with it the win. The price: with an
 * even number, half the witnesses down is enough for nobody to win (two witnesses need both);
 * an odd number (1, 3, 5) tolerates the most witness failures for its size.
 */
public final class WitnessQuorum {

    private WitnessQuorum() {
    }

    /** How many of {@code configured} witnesses must answer: more than half; none configured, none can. */
    public static int needed(int configured) {
        if (configured < 0) {
            throw new IllegalArgumentException("a count of witnesses is not negative: " + configured);
        }
        return configured / 2 + 1;
    }

    /** True when {@code answering} of {@code configured} witnesses are a strict majority. */
    public static boolean reached(int answering, int configured) {
        if (answering < 0 || answering > configured) {
            throw new IllegalArgumentException(answering + " of " + configured + " witnesses cannot answer");
        }
        return configured > 0 && answering >= needed(configured);
    }
}
