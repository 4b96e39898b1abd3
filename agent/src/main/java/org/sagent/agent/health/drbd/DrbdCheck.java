package org.sagent.agent.health.drbd;

import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.HealthCheck;

/** One DRBD resource must be Primary and UpToDate, as the events2 stream last reported it. */
public final class DrbdCheck implements HealthCheck {

    private final String resource;
    private final DrbdEventStream stream;

    public DrbdCheck(String resource, DrbdEventStream stream) {
        this.resource = resource;
        this.stream = stream;
    }

    @Override
    public String name() {
        return "drbd:" + resource;
    }

    @Override
    public CheckOutcome check() {
        DrbdEventStream.Reading reading = stream.read(resource);
        if (reading instanceof DrbdEventStream.Reading.Unknown unknown) {
            return CheckOutcome.fail("DRBD state unknown: " + unknown.why());
        }
        DrbdVerdict verdict = DrbdJudge.judge(resource, ((DrbdEventStream.Reading.Known) reading).status());
        return new CheckOutcome(verdict.healthy(), verdict.degraded(), verdict.reason());
    }
}
