package org.sagent.agent.tuning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.IsolationSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.health.drbd.DrbdConfigParser;

/**
 * Compares the live DRBD and o2cb settings with README's "Tuning for fast failover": after a power
 * loss the share on the surviving node stalls until DRBD notices the dead peer (its ping interval)
 * and o2cb's disk heartbeat declares it dead (its threshold); the defaults make that over a minute.
 * Each item says what the setting costs now, what README recommends and where to change it. These
 * are advice, not errors: the defaults are safe, only slow. The exception is
 * {@link #unsafeTogether}: a threshold lowered below what DRBD's detection allows resets the
 * survivor of a power loss. Pure.
 */
public final class FailoverTuningCheck {

    /** One setting: whether it follows the recommendation, and what to know or do. */
    public record Advice(boolean followed, String text) {
    }

    /** README's recommendation (measure on the real servers before lowering the threshold). */
    public static final int RECOMMENDED_DEAD_THRESHOLD = 11;
    /** Below this a node whose own storage pauses for a few seconds is taken for dead. */
    public static final int LOWEST_SAFE_DEAD_THRESHOLD = 7;
    public static final int RECOMMENDED_PING_INT_S = 3;
    public static final int RECOMMENDED_PING_TIMEOUT_DS = 10;
    public static final int RECOMMENDED_TIMEOUT_DS = 25;
    static final int DRBD_DEFAULT_PING_INT_S = 10;
    static final int DRBD_DEFAULT_PING_TIMEOUT_DS = 5;
    static final int DRBD_DEFAULT_TIMEOUT_DS = 60;
    /** o2cb's own defaults, which README says to keep: o2dlm waits for the heartbeat after a power loss, not o2net. */
    public static final int O2NET_DEFAULT_IDLE_TIMEOUT_MS = 30000;
    public static final int O2NET_DEFAULT_KEEPALIVE_DELAY_MS = 2000;

    private static final String OFFLINE = " (o2cb reads it at start: change it with OCFS2 unmounted and o2cb stopped on both nodes)";

    private FailoverTuningCheck() {
    }

    /**
     * The threshold README recommends: 11 (20 s), or, with sagent's isolation on, the lowest whose
     * dead time outlasts the recommended DRBD timers' worst detection plus the fence-peer handler's
     * deadline (DRBD keeps the survivor's heartbeat writes frozen that long): 11 for a deadline of
     * 12 s or less, 20 for the default 30 s.
     */
    public static int recommendedDeadThreshold(Optional<java.time.Duration> handlerDeadline) {
        if (handlerDeadline.isEmpty()) {
            return RECOMMENDED_DEAD_THRESHOLD;
        }
        double recommendedDrbdWorst = drbdWorstDetectionSeconds(RECOMMENDED_PING_INT_S, RECOMMENDED_PING_TIMEOUT_DS);
        double deadline = handlerDeadline.get().toMillis() / 1000.0;
        return Math.max(RECOMMENDED_DEAD_THRESHOLD, lowestThresholdOutlasting(recommendedDrbdWorst + deadline));
    }

    /** The lowest threshold whose dead time, (threshold - 1) x 2 s, is longer than the given seconds. */
    private static int lowestThresholdOutlasting(double seconds) {
        return (int) Math.floor(seconds / 2) + 2;
    }

    /**
     * The o2cb part: the heartbeat threshold, o2net's timeouts and the network o2net runs on.
     * {@code handlerDeadline} is {@code isolation.handler-deadline} when isolation is on, empty when off.
     */
    public static List<Advice> o2cb(O2cbLiveSettings o2cb, List<NodeSpec> nodes,
                                    Optional<java.time.Duration> handlerDeadline) {
        List<Advice> advice = new ArrayList<>();
        OptionalInt threshold = o2cb.deadThreshold();
        int recommended = recommendedDeadThreshold(handlerDeadline);
        String withDeadline = handlerDeadline.isEmpty() ? "" : " with isolation.handler-deadline "
                + tenths((int) (handlerDeadline.get().toMillis() / 100)) + " s (" + RECOMMENDED_DEAD_THRESHOLD
                + " with a deadline of 12 s or less)";
        if (threshold.isEmpty()) {
            advice.add(new Advice(false, "o2cb shows no heartbeat dead threshold (is the heartbeat region up?)"));
        } else {
            int t = threshold.getAsInt();
            int seconds = (t - 1) * 2;
            if (t > recommended) {
                advice.add(new Advice(false, "o2cb heartbeat dead threshold is " + t + ": OCFS2 declares a powered-off "
                        + "node dead after about " + seconds + " s, and until then every operation on its locks stalls "
                        + "on the survivor; README recommends " + recommended + " (" + (recommended - 1) * 2 + " s)"
                        + withDeadline + " once you have measured that a node's storage never "
                        + "pauses that long; set O2CB_HEARTBEAT_THRESHOLD in /etc/default/o2cb" + OFFLINE));
            } else if (t < LOWEST_SAFE_DEAD_THRESHOLD) {
                advice.add(new Advice(false, "o2cb heartbeat dead threshold is " + t + " (" + seconds + " s): a node whose "
                        + "storage pauses that long resets itself; README recommends " + recommended + withDeadline
                        + "; set O2CB_HEARTBEAT_THRESHOLD in /etc/default/o2cb" + OFFLINE));
            } else if (t < recommended) {
                advice.add(new Advice(false, "o2cb heartbeat dead threshold is " + t + " (" + seconds + " s): shorter "
                        + "than DRBD's detection of a lost peer plus the fence-peer handler's deadline, the time DRBD "
                        + "may keep the survivor's heartbeat writes frozen; README recommends "
                        + recommended + withDeadline + "; set O2CB_HEARTBEAT_THRESHOLD in /etc/default/o2cb" + OFFLINE));
            } else {
                advice.add(new Advice(true, "o2cb heartbeat dead threshold " + t + " (" + seconds + " s)"));
            }
        }
        advice.add(o2netTimeouts(o2cb));
        o2cb.nodeAddresses().forEach((name, address) -> {
            for (NodeSpec node : nodes) {
                if (address.equals(node.replicationAddress().getHostAddress())) {
                    String lan = node.lanAddress() == null ? "its LAN address" : node.lanAddress().getHostAddress();
                    advice.add(new Advice(false, "o2net of o2cb node " + name + " runs over " + address + ", the "
                            + "replication link: a cut cable then also cuts o2net and o2quo resets the higher-numbered "
                            + "node, whatever the arbitration decided; write " + lan + " as its ip_address in "
                            + "/etc/ocfs2/cluster.conf" + OFFLINE));
                } else if (node.lanAddress() != null && address.equals(node.lanAddress().getHostAddress())) {
                    advice.add(new Advice(true, "o2net of o2cb node " + name + " runs over the LAN (" + address + ")"));
                }
            }
        });
        return advice;
    }

    /**
     * o2net's idle timeout and keepalive: lowering them gains nothing after a power loss (o2dlm waits
     * for the disk heartbeat), while a LAN busy for less than the idle timeout then drops o2net's
     * connection and o2quo resets a node.
     */
    private static Advice o2netTimeouts(O2cbLiveSettings o2cb) {
        if (o2cb.idleTimeoutMs().isEmpty() || o2cb.keepaliveDelayMs().isEmpty()) {
            return new Advice(false, "o2cb shows no o2net idle_timeout_ms or keepalive_delay_ms (an o2cb older than "
                    + "the reference cluster's?): check O2CB_IDLE_TIMEOUT_MS and O2CB_KEEPALIVE_DELAY_MS in "
                    + "/etc/default/o2cb by hand");
        }
        int idle = o2cb.idleTimeoutMs().getAsInt();
        int keepalive = o2cb.keepaliveDelayMs().getAsInt();
        if (idle < O2NET_DEFAULT_IDLE_TIMEOUT_MS || keepalive < O2NET_DEFAULT_KEEPALIVE_DELAY_MS) {
            return new Advice(false, "o2net idle timeout " + idle + " ms, keepalive " + keepalive + " ms: shorter than "
                    + "o2cb's defaults, which gains nothing after a power loss (o2dlm waits for the disk heartbeat) and "
                    + "lets a LAN busy for " + tenths(idle / 100) + " s drop o2net and make o2quo reset a node; README "
                    + "recommends the defaults, O2CB_IDLE_TIMEOUT_MS=" + O2NET_DEFAULT_IDLE_TIMEOUT_MS
                    + " and O2CB_KEEPALIVE_DELAY_MS=" + O2NET_DEFAULT_KEEPALIVE_DELAY_MS + " in /etc/default/o2cb"
                    + OFFLINE);
        }
        return new Advice(true, "o2net idle timeout " + idle + " ms, keepalive " + keepalive + " ms");
    }

    /**
     * sagent's own part, with isolation on: whether the agent tells DRBD of a dead peer or a cut
     * cable itself, rather than leaving it to DRBD's ping timer (docs/budget.md: 9-19 s with
     * DRBD's defaults, every second of it frozen writes and a second more of the share's stall).
     */
    public static Advice drbdToldAtOnce(Optional<java.time.Duration> disconnectAfter) {
        java.time.Duration recommended = IsolationSettings.DEFAULT_DRBD_DISCONNECT_AFTER;
        if (disconnectAfter.isEmpty()) {
            return new Advice(false, "isolation.drbd-disconnect-after is off: DRBD finds a dead peer or a cut cable "
                    + "on its own ping timer (ping-int, 10 s by default), and the survivor's writes wait that long; "
                    + "remove the line (" + DurationText.format(recommended) + ") to have the agent tell DRBD at once");
        }
        if (disconnectAfter.get().compareTo(recommended.multipliedBy(3)) > 0) {
            return new Advice(false, "isolation.drbd-disconnect-after is " + DurationText.format(disconnectAfter.get())
                    + ": a cut cable freezes the winner's writes at least that long; README recommends "
                    + DurationText.format(recommended) + " (a cable back sooner fences nobody)");
        }
        return new Advice(true, "isolation.drbd-disconnect-after " + DurationText.format(disconnectAfter.get())
                + ": the agent tells DRBD of a dead peer or a cut cable itself");
    }

    /** The DRBD part: how soon DRBD notices a dead peer (and so resumes the survivor's writes). */
    public static List<Advice> drbd(String resource, DrbdConfigParser.ResourceConfig config) {
        List<Advice> advice = new ArrayList<>();
        int pingInt = number(config.option("net", "ping-int")).orElse(DRBD_DEFAULT_PING_INT_S);
        int pingTimeout = number(config.option("net", "ping-timeout")).orElse(DRBD_DEFAULT_PING_TIMEOUT_DS);
        int timeout = number(config.option("net", "timeout")).orElse(DRBD_DEFAULT_TIMEOUT_DS);
        String where = " in net { } of " + resource;
        if (pingInt > RECOMMENDED_PING_INT_S) {
            advice.add(new Advice(false, resource + ": ping-int is " + pingInt + " s: an idle link notices a dead peer "
                    + "only after up to " + pingInt + " s plus ping-timeout, and writes on the survivor wait that long; "
                    + "README recommends 'ping-int " + RECOMMENDED_PING_INT_S + "; ping-timeout "
                    + RECOMMENDED_PING_TIMEOUT_DS + "; timeout " + RECOMMENDED_TIMEOUT_DS + ";'" + where
                    + " (then drbdadm adjust " + resource + " on both nodes)"));
        } else {
            advice.add(new Advice(true, resource + ": ping-int " + pingInt + " s"));
            if (pingTimeout < RECOMMENDED_PING_TIMEOUT_DS) {
                advice.add(new Advice(false, resource + ": ping-timeout is " + tenths(pingTimeout) + " s with a short "
                        + "ping-int: a busy link that answers late is taken for lost (an arbitration, and the loser "
                        + "stands down); README recommends 'ping-timeout " + RECOMMENDED_PING_TIMEOUT_DS + ";'" + where));
            }
        }
        if (timeout > RECOMMENDED_TIMEOUT_DS) {
            advice.add(new Advice(false, resource + ": timeout is " + tenths(timeout) + " s: a write the dead peer never "
                    + "acknowledges holds the survivor's I/O that long; README recommends 'timeout "
                    + RECOMMENDED_TIMEOUT_DS + ";'" + where + " (it must stay below ping-int and connect-int)"));
        } else {
            advice.add(new Advice(true, resource + ": timeout " + tenths(timeout) + " s"));
        }
        return advice;
    }

    /**
     * The two together: after a power loss every write on the survivor, its own o2hb heartbeat
     * included, waits until DRBD declares the peer lost. If the heartbeat's dead time is not well
     * above that wait, o2hb resets the survivor (measured on the reference VMs: threshold 11 with
     * DRBD's default ping-int, a heartbeat write hung 20.4 s). DRBD's worst detection is taken as
     * two ping intervals plus the ping timeout (9-21 s measured with the defaults); the dead time
     * must be at least twice that. Empty when safe or when a value is unknown.
     */
    public static Optional<String> unsafeTogether(String resource, DrbdConfigParser.ResourceConfig config,
                                                  O2cbLiveSettings o2cb) {
        if (o2cb.deadThreshold().isEmpty()) {
            return Optional.empty();
        }
        int pingInt = number(config.option("net", "ping-int")).orElse(DRBD_DEFAULT_PING_INT_S);
        double drbdWorst = drbdWorstDetectionSeconds(config);
        int threshold = o2cb.deadThreshold().getAsInt();
        int deadSeconds = (threshold - 1) * 2;
        if (deadSeconds >= 2 * drbdWorst) {
            return Optional.empty();
        }
        return Optional.of("o2cb heartbeat dead threshold " + threshold + " (" + deadSeconds + " s) is too short for "
                + resource + "'s ping-int " + pingInt + " s: after a power loss the survivor's own heartbeat writes wait "
                + "up to about " + tenths((int) Math.round(drbdWorst * 10)) + " s for DRBD to declare the peer lost, and "
                + "o2hb then resets the survivor too; shorten DRBD's detection first ('ping-int "
                + RECOMMENDED_PING_INT_S + "; ping-timeout " + RECOMMENDED_PING_TIMEOUT_DS + "; timeout "
                + RECOMMENDED_TIMEOUT_DS + ";') or raise O2CB_HEARTBEAT_THRESHOLD to at least "
                + ((int) Math.ceil(2 * drbdWorst / 2) + 1) + " in /etc/default/o2cb");
    }

    /**
     * With sagent's isolation, DRBD keeps the survivor's I/O frozen after declaring the peer lost
     * until the fence-peer handler answers, for up to {@code isolation.handler-deadline}; its o2hb
     * heartbeat writes wait too. A dead time shorter than DRBD's worst detection plus that deadline
     * lets o2hb reset the survivor while the handler is still deciding, a decision that would have
     * let it keep writing (measured on the reference VMs with threshold 11 and the handler's 30 s:
     * after an o2net loss o2quo reset s1 as it should, and o2hb then reset s0, its heartbeat write
     * hung behind the freeze: both nodes down). Empty when safe or when a value is unknown.
     */
    public static Optional<String> handlerOutlastsHeartbeat(String resource, DrbdConfigParser.ResourceConfig config,
                                                            O2cbLiveSettings o2cb, java.time.Duration handlerDeadline) {
        if (o2cb.deadThreshold().isEmpty()) {
            return Optional.empty();
        }
        double drbdWorst = drbdWorstDetectionSeconds(config);
        double deadline = handlerDeadline.toMillis() / 1000.0;
        int threshold = o2cb.deadThreshold().getAsInt();
        int deadSeconds = (threshold - 1) * 2;
        if (deadSeconds > drbdWorst + deadline) {
            return Optional.empty();
        }
        long longestDeadline = (long) Math.ceil(deadSeconds - drbdWorst) - 1;
        String lower = longestDeadline >= 1
                ? "lower isolation.handler-deadline to at most " + longestDeadline + "s (the handler answers in well under "
                + "a second on real servers once the peer is silent) or "
                : "";
        return Optional.of("o2cb heartbeat dead threshold " + threshold + " (" + deadSeconds + " s) is not longer than "
                + resource + "'s worst DRBD detection (about " + tenths((int) Math.round(drbdWorst * 10)) + " s) plus "
                + "isolation.handler-deadline (" + tenths((int) Math.round(deadline * 10)) + " s): DRBD freezes the "
                + "survivor's I/O, its heartbeat writes included, until the fence-peer handler answers, and o2hb would "
                + "reset the survivor before a slow answer could resume it; " + lower + "raise O2CB_HEARTBEAT_THRESHOLD "
                + "to at least " + lowestThresholdOutlasting(drbdWorst + deadline) + " in /etc/default/o2cb");
    }

    /**
     * A survivor whose replication carrier stays up when its peer goes (a switch between the two,
     * a NIC kept powered, a hung peer) has no carrier loss to go by: it finds the peer gone when it
     * leaves the replication view ({@code failover.failure-timeout}) and has then been silent on
     * the LAN for {@code isolation.peer-silence}; DRBD then freezes its I/O until the fence-peer
     * handler answers, for up to {@code isolation.handler-deadline}. Its o2hb heartbeat write
     * issued at the cut hangs from the cut (protocol C waits for the lost peer), so all three must
     * fit in the heartbeat's dead time. Measured on the reference VMs: threshold 11 (20 s) with a
     * 3 s failure timeout, a 6 s peer-silence and a 12 s deadline, o2hb reset the winner 21.6 s
     * into the cut (F16), just after it had won; with 3 s of peer-silence it resumed 8-11 s in.
     * Empty when it fits or when o2cb's threshold is unknown.
     */
    public static Optional<String> silentPeerOutlastsHeartbeat(O2cbLiveSettings o2cb, java.time.Duration failureTimeout,
                                                               java.time.Duration peerSilence,
                                                               java.time.Duration handlerDeadline) {
        if (o2cb.deadThreshold().isEmpty()) {
            return Optional.empty();
        }
        int threshold = o2cb.deadThreshold().getAsInt();
        int deadSeconds = (threshold - 1) * 2;
        double failure = failureTimeout.toMillis() / 1000.0;
        double silence = peerSilence.toMillis() / 1000.0;
        double deadline = handlerDeadline.toMillis() / 1000.0;
        if (deadSeconds > failure + silence + deadline) {
            return Optional.empty();
        }
        long longestSilence = (long) Math.ceil(deadSeconds - failure - deadline) - 1;
        String lower = longestSilence >= 1
                ? "lower isolation.peer-silence to at most " + longestSilence + "s or " : "";
        return Optional.of("o2cb heartbeat dead threshold " + threshold + " (" + deadSeconds + " s) is not longer than "
                + "failover.failure-timeout (" + DurationText.format(failureTimeout) + ") plus isolation.peer-silence ("
                + DurationText.format(peerSilence) + ") plus isolation.handler-deadline ("
                + DurationText.format(handlerDeadline) + "): a node whose replication carrier stays up when its peer "
                + "goes (a switch on the replication link, a NIC kept powered, a hung peer) finds the peer gone only "
                + "after that silence, its own heartbeat writes hung since the cut, and o2hb would reset it before it "
                + "could win; " + lower + "raise O2CB_HEARTBEAT_THRESHOLD to at least "
                + lowestThresholdOutlasting(failure + silence + deadline) + " in /etc/default/o2cb");
    }

    /** How long DRBD may take to declare a dead peer lost: two ping intervals plus the ping timeout. */
    private static double drbdWorstDetectionSeconds(DrbdConfigParser.ResourceConfig config) {
        int pingInt = number(config.option("net", "ping-int")).orElse(DRBD_DEFAULT_PING_INT_S);
        int pingTimeout = number(config.option("net", "ping-timeout")).orElse(DRBD_DEFAULT_PING_TIMEOUT_DS);
        return drbdWorstDetectionSeconds(pingInt, pingTimeout);
    }

    private static double drbdWorstDetectionSeconds(int pingIntSeconds, int pingTimeoutDeciseconds) {
        return 2.0 * pingIntSeconds + pingTimeoutDeciseconds / 10.0;
    }

    private static String tenths(int deciseconds) {
        return deciseconds % 10 == 0 ? String.valueOf(deciseconds / 10) : String.valueOf(deciseconds / 10.0);
    }

    private static Optional<Integer> number(Optional<String> text) {
        try {
            return text.map(String::trim).map(Integer::parseInt);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
