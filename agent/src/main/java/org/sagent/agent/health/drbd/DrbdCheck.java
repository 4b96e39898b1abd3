package org.sagent.agent.health.drbd;

import java.util.Optional;
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
        Optional<DrbdResourceStatus> status = ((DrbdEventStream.Reading.Known) reading).status();
        DrbdVerdict verdict = DrbdJudge.judge(resource, status);
        return new CheckOutcome(verdict.healthy(), verdict.degraded(), verdict.reason(),
                !verdict.healthy() && DrbdJudge.fitButForFencingFreeze(resource, status));
    }
}
