package org.sagent.agent.isolation;

import java.time.Duration;

/** What the isolation coordinator counts: the metrics of its decisions. Loop thread. */
public interface IsolationEvents {

    /** A decision: won, lost or undecided. */
    void fenceDecision(String outcome);

    /** How long I/O stayed frozen on this node before it won. */
    void ioFrozen(Duration frozen);
}
