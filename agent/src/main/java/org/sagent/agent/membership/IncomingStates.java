package org.sagent.agent.membership;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sagent.agent.core.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one path's channel passes on from a received message: the state inside, only when the
 * message is authentic (its tag checks with the cluster secret), signed for this path, from a
 * configured node other than this one, sent by the member of that name, about that node itself,
 * and fresh ({@link Freshness}). Everything else is dropped with a warning (at most one a minute
 * per kind, so a flood cannot fill the journal).
 */
final class IncomingStates {

    private static final Logger log = LoggerFactory.getLogger(IncomingStates.class);
    private static final long REJECTION_LOG_EVERY_NANOS = Duration.ofSeconds(60).toNanos();

    private final MembershipEvent.Path path;
    private final String self;
    private final Set<String> configured;
    private final MessageSigner signer;
    private final Freshness freshness;
    private final Runnable newPeerRun;
    private final Map<String, Long> lastRejectionLog = new ConcurrentHashMap<>();

    /** @param newPeerRun called when a run of a peer is heard for the first time (publish at once) */
    IncomingStates(MembershipEvent.Path path, String self, Set<String> configured, MessageSigner signer,
                   Freshness freshness, Runnable newPeerRun) {
        this.path = path;
        this.self = self;
        this.configured = Set.copyOf(configured);
        this.signer = signer;
        this.freshness = freshness;
        this.newPeerRun = newPeerRun;
    }

    /** The state in a message that {@code sender} (the JGroups member name) sent, if it counts. */
    Optional<NodeState> received(byte[] buffer, int offset, int length, String sender) {
        Optional<StateEnvelope> opened;
        try {
            opened = MembershipChannel.open(buffer, offset, length, signer);
        } catch (IOException e) {
            rejected("unreadable", "an unreadable state message from " + sender + ": " + e.getMessage());
            return Optional.empty();
        }
        if (opened.isEmpty()) {
            rejected("tag", "a message from " + sender + " without a valid cluster-secret tag (a host without the "
                    + "secret, or a node with another secret file)");
            return Optional.empty();
        }
        StateEnvelope envelope = opened.get();
        String from = envelope.from();
        if (!MembershipChannel.pathName(path).equals(envelope.path())) {
            rejected("path", "a state from " + from + " signed for the " + envelope.path() + " path");
            return Optional.empty();
        }
        if (!configured.contains(from) || from.equals(self) || !from.equals(sender)
                || envelope.state() == null || !from.equals(envelope.state().node())) {
            rejected("sender", "a state for " + (envelope.state() == null ? "nobody" : envelope.state().node())
                    + " signed by " + from + " and sent by member " + sender);
            return Optional.empty();
        }
        if (freshness.heard(from, envelope.stamp())) {
            newPeerRun.run();
        }
        Freshness.Verdict verdict = freshness.accept(path, from, envelope.stamp(), envelope.echoesOf(self));
        switch (verdict) {
            case ACCEPTED -> {
                return Optional.of(envelope.state());
            }
            case NOT_YET_HEARD_US -> log.debug("on the {} path: {} has not heard this run of {} yet; its state waits",
                    MembershipChannel.pathName(path), from, self);
            default -> rejected(verdict.name(), "a state from " + from + " that is not fresh ("
                    + verdict.name().toLowerCase().replace('_', ' ') + "): a replayed or held-back message");
        }
        return Optional.empty();
    }

    /** Logs a dropped message or member, once a minute per kind. */
    void rejected(String kind, String what) {
        long now = System.nanoTime();
        Long last = lastRejectionLog.get(kind);
        if (last == null || now - last > REJECTION_LOG_EVERY_NANOS) {
            lastRejectionLog.put(kind, now);
            log.warn("ignored on the {} path: {}", MembershipChannel.pathName(path), what);
        }
    }
}
