package org.sagent.agent.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sagent.agent.health.drbd.DrbdConfigParser;

/**
 * Judges a DRBD resource's configuration against what sagent's isolation needs (spec 7.1):
 * each finding says what is wrong and the line to add. Pure.
 */
public final class FencingConfigCheck {

    public enum Level { ERROR, WARNING, OK }

    public record Finding(Level level, String text) {
    }

    /** The lines sagent ships (also in the package's example file). */
    public static final String FENCE_PEER = "/usr/bin/sagent fence-peer";
    public static final String UNFENCE_PEER = "/usr/bin/sagent unfence-peer";
    public static final String AFTER_RESYNC_TARGET = "/usr/bin/sagent after-resync-target";

    private FencingConfigCheck() {
    }

    public static List<Finding> check(String resource, Optional<DrbdConfigParser.ResourceConfig> found) {
        List<Finding> findings = new ArrayList<>();
        if (found.isEmpty()) {
            findings.add(new Finding(Level.ERROR, "DRBD resource " + resource + " is not in drbdadm's configuration; "
                    + "name the resource of /etc/drbd.d/*.res in health.drbd.resources"));
            return findings;
        }
        DrbdConfigParser.ResourceConfig config = found.get();
        String where = " (in the resource's section of /etc/drbd.d/" + resource + ".res, or in common { } of "
                + "global_common.conf: add the line to the section that is already there)";
        Optional<String> fencing = config.option("disk", "fencing");
        if (fencing.isEmpty() || !fencing.get().equals("resource-and-stonith")) {
            findings.add(new Finding(Level.ERROR, resource + ": fencing is " + fencing.orElse("dont-care (the default)")
                    + ": only resource-and-stonith freezes I/O when the peer is lost, so both nodes keep writing after "
                    + "a cable cut; add 'fencing resource-and-stonith;' to disk { }" + where));
        } else {
            findings.add(new Finding(Level.OK, resource + ": disk { fencing resource-and-stonith; }"));
        }
        handler(findings, config, resource, "fence-peer", FENCE_PEER, Level.ERROR,
                "without it DRBD keeps a node that lost its peer frozen until o2hb resets it", where);
        handler(findings, config, resource, "unfence-peer", UNFENCE_PEER, Level.WARNING,
                "it tells the agent the peer is resynced", where);
        handler(findings, config, resource, "after-resync-target", AFTER_RESYNC_TARGET, Level.WARNING,
                "it tells the agent this node is resynced", where);
        String twoPrimaries = config.option("net", "allow-two-primaries").orElse("no");
        if (!twoPrimaries.equals("yes")) {
            findings.add(new Finding(Level.WARNING, resource + ": allow-two-primaries is " + twoPrimaries
                    + ": sagent's isolation is for dual-primary (OCFS2 on both nodes)"));
        }
        String twoPri = config.option("net", "after-sb-2pri").orElse("disconnect");
        if (!twoPri.equals("disconnect")) {
            findings.add(new Finding(Level.ERROR, resource + ": after-sb-2pri is " + twoPri + ": with OCFS2 on both "
                    + "nodes only disconnect is safe (the others throw away one node's acknowledged writes); write "
                    + "'after-sb-2pri disconnect;' in net { }" + where));
        }
        return findings;
    }

    private static void handler(List<Finding> findings, DrbdConfigParser.ResourceConfig config, String resource,
                                String name, String expected, Level missing, String why, String where) {
        Optional<String> value = config.option("handlers", name);
        if (value.isEmpty()) {
            findings.add(new Finding(missing, resource + ": no " + name + " handler (" + why + "); add '" + name
                    + " \"" + expected + "\";' to handlers { }" + where));
        } else if (!value.get().contains("sagent " + name)) {
            findings.add(new Finding(missing, resource + ": the " + name + " handler is '" + value.get() + "', not "
                    + "sagent's; write '" + name + " \"" + expected + "\";' in handlers { }" + where));
        } else {
            findings.add(new Finding(Level.OK, resource + ": handlers { " + name + " \"" + value.get() + "\"; }"));
        }
    }
}
