package org.sagent.agent.isolation;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.core.Arbitration;
import org.sagent.agent.core.IsolationClaim;

/** The words of an arbitration: why a decision was taken, and the isolation part of {@code sagent status}. */
final class ArbitrationText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private ArbitrationText() {
    }

    static String explain(Arbitration.Decision decision, Arbitration.View v) {
        String peer = v.peer();
        return switch (decision) {
            case NOT_NEEDED -> "the replication link is up";
            case WIN_NOW -> peer + " is silent on the LAN and a witness answers: it is dead or cut off from everything";
            case WAIT -> v.selfReachesWitness() ? "waiting" : "no witness answers here and " + peer
                    + (v.peerOnLan() ? " reaches none either" : " is not seen on the LAN") + ": nobody can win safely";
            case LOSE -> !v.selfReachesWitness() ? "no witness answers here; " + peer + " reaches one"
                    : v.selfHealthy() != v.peerHealthy() ? peer + " is healthy, this node was not"
                    : tieBreakWhy(v, false);
            case WIN_AFTER_PEER_STANDS_DOWN -> (!v.peerReachesWitness() ? peer + " reaches no witness"
                    : v.selfHealthy() != v.peerHealthy() ? "this node is healthy, " + peer + " was not"
                    : tieBreakWhy(v, true)) + "; resuming once " + peer + " has stood down";
        };
    }

    private static String tieBreakWhy(Arbitration.View v, boolean won) {
        String winner = won ? v.self() : v.peer();
        return v.tieBreak() instanceof Arbitration.TieBreak.Prefer p && (p.node().equals(v.self())
                || p.node().equals(v.peer())) ? "both healthy, tie-break prefers " + winner
                : "both healthy, the lower node number wins (" + winner + ", as o2cb keeps it)";
    }

    /**
     * @param episode            the arbitration going on, null when none is
     * @param ownRecord          this node's fence record from before this start
     * @param peerRecord         the peer's fence record this node wrote when it won
     * @param peerName           the DRBD peer's name
     * @param peerClaims         the peers' claims, by node
     * @param replicationCarrier the replication interface has carrier
     */
    static StatusReport.Isolation report(Episode episode, Optional<FenceRecord> ownRecord,
                                         Optional<FenceRecord> peerRecord, String peerName, Set<String> lanView,
                                         Map<String, IsolationClaim> peerClaims, boolean replicationCarrier,
                                         boolean witnessReachable) {
        Episode e = episode;
        boolean fenced = ownRecord.isPresent() || (e != null && e.standingDown);
        if (e == null) {
            String note = ownRecord.map(r -> "this node " + r.describe() + "; it serves again once resynced and healthy")
                    .orElse(peerRecord.map(r -> r.peer() + " stood down (" + r.describe() + "); waiting for it to "
                            + "resync").orElse(""));
            return new StatusReport.Isolation(ownRecord.isPresent() ? "fenced" : "idle", note, witnessReachable, fenced);
        }
        StringBuilder note = new StringBuilder(replicationCarrier ? "replication link lost" : "replication link down");
        note.append("; ").append(peerName).append(lanView.contains(peerName) ? " alive on LAN" : " not seen on LAN");
        IsolationClaim peerClaim = peerClaims.get(peerName);
        if (peerClaim != null && peerClaim.stoodDown()) {
            note.append("; ").append(peerName).append(" stood down at ")
                    .append(time(Instant.parse(peerClaim.stoodDownAt()))).append(" (")
                    .append(peerClaim.standDownReason()).append(")");
        }
        if (e.stoodDownAt != null) {
            note.append("; this node stood down at ").append(time(Instant.parse(e.stoodDownAt))).append(" (")
                    .append(e.standDownReason).append(")");
        } else if (!e.decisionWhy.isEmpty() && e.wonAt == null) {
            note.append("; ").append(e.decisionWhy);
        }
        if (e.wonAt != null) {
            note.append("; this node won at ").append(time(e.wonAt));
        }
        String state = e.wonAt != null ? "won" : e.stoodDownAt != null ? "stood-down" : e.standingDown
                ? "standing-down" : "deciding";
        return new StatusReport.Isolation(state, note.toString(), witnessReachable, fenced);
    }

    /** A local time of day with milliseconds, for the journal and status. */
    static String time(Instant at) {
        return LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME);
    }
}
