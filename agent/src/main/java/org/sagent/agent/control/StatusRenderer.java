package org.sagent.agent.control;

import java.util.List;
import java.util.Locale;

/** Renders a {@link StatusReport} the way an operator of {@code ctdb status} / {@code ctdb ip} reads it. Pure. */
public final class StatusRenderer {

    private StatusRenderer() {
    }

    public static String render(StatusReport r) {
        StringBuilder out = new StringBuilder();
        out.append("Cluster ").append(r.cluster()).append(", ").append(r.nodes().size()).append(" nodes\n");
        out.append(String.format(Locale.ROOT, "%-3s %-12s %-16s %-13s %-10s %s%n", "#", "NODE", "REPLICATION",
                "STATE", "LAN", "WHY"));
        for (StatusReport.Node n : r.nodes()) {
            String lan = n.lanReachable() == null ? "-" : n.lanReachable() ? "reachable" : "unreached";
            if (n.thisNode()) {
                lan = "this node";
            }
            out.append(String.format(Locale.ROOT, "%-3d %-12s %-16s %-13s %-10s %s%n", n.number(), n.name(),
                    n.replicationAddress(), n.state(), lan, n.state().equals("OK") ? "" : String.join("; ", n.reasons())));
        }
        out.append("\n").append(String.format(Locale.ROOT, "%-22s %-10s %-12s %s%n", "PUBLIC ADDRESS", "INTERFACE",
                "HOME", "HELD BY"));
        for (StatusReport.Address a : r.addresses()) {
            String holders = a.holders().isEmpty() ? "nobody (UNSERVED)"
                    : a.holders().size() > 1 ? String.join(" and ", a.holders()) + " (DUPLICATE)"
                    : a.holders().get(0);
            if (a.clientConnections() > 0) {
                holders += ", " + a.clientConnections() + " client connection" + (a.clientConnections() == 1 ? "" : "s");
            }
            if (a.pinnedTo() != null) {
                holders += " (moved there by sagent move-ip)";
            }
            if (a.conflict() != null) {
                holders += " (CONFLICT: " + a.conflict() + " outside the cluster answers for it)";
            }
            out.append(String.format(Locale.ROOT, "%-22s %-10s %-12s %s%n", a.address(), a.interfaceName(), a.home(),
                    holders));
        }
        out.append("\nChecks on ").append(r.node()).append(":\n");
        if (r.checks().isEmpty()) {
            out.append("  (none have run yet)\n");
        }
        for (StatusReport.Check c : r.checks()) {
            String state = !c.healthy() ? "FAIL" : c.degraded() ? "DEGRADED" : "OK";
            String age = c.ageMillis() < 0 ? "never run" : seconds(c.ageMillis()) + " ago";
            out.append(String.format(Locale.ROOT, "  %-20s %-9s %-12s %s%n", c.name(), state, age, c.lastResult()));
        }
        StatusReport.Link link = r.replication();
        out.append("\nReplication link ").append(link.interfaceName()).append(": ").append(link.note())
                .append("; peers in view: ").append(link.peersInView().isEmpty() ? "none"
                        : String.join(", ", link.peersInView())).append("\n");
        if (r.isolation() != null) {
            StatusReport.Isolation i = r.isolation();
            out.append("Isolation: ").append(i.state()).append(i.note().isEmpty() ? "" : ": " + i.note())
                    .append("; witness ").append(i.witnessReachable() ? "reachable" : "NOT reachable").append("\n");
        }
        List<StatusReport.Move> moves = r.failovers();
        out.append("\nLast moves on ").append(r.node()).append(":\n");
        if (moves.isEmpty()) {
            out.append("  none since the agent started\n");
        }
        for (StatusReport.Move m : moves) {
            out.append("  ").append(m.at()).append("  ").append(m.address()).append("  ").append(m.from()).append(" -> ")
                    .append(m.to()).append("  ").append(m.reason())
                    .append(m.outageMillis() == null ? "" : ", unserved " + m.outageMillis() + " ms").append("\n");
        }
        return out.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
