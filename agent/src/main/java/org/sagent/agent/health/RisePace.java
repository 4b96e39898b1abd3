package org.sagent.agent.health;

/**
 * How soon a check that has not risen yet runs again (spec 4): after a pass, at once after a
 * short pause, so the start-up gate opens as soon as {@code rise} passes in a row are in;
 * after a failure that broke a run of passes (a flapping service), at the interval from then
 * on, so such a service needs as long to open the gate as it always did. Pure.
 */
final class RisePace {

    /** The check's pace: quick until it flaps. */
    enum Pace { QUICK, FLAPPED }

    private RisePace() {
    }

    /** The pace after one result: a failure after a pass, before the check has risen, is a flap. */
    static Pace after(Pace pace, CheckState before, CheckState after) {
        boolean failedAfterAPass = before.passesInRow() > 0 && after.failuresInRow() > 0;
        return pace == Pace.QUICK && failedAfterAPass && !after.risen() ? Pace.FLAPPED : pace;
    }

    /** True when the check's next run comes after the short pause rather than the interval. */
    static boolean runSooner(Pace pace, CheckState after) {
        return pace == Pace.QUICK && !after.risen() && after.passesInRow() > 0;
    }
}
