package org.sagent.agent.config;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides which configured node this machine is: the node whose replication address is one
 * of the local addresses, unless the administrator names it with {@code --node}.
 */
public final class NodeIdentity {

    /** The outcome: this machine's node, or why none could be chosen. */
    public sealed interface Outcome {
        record Found(NodeSpec node, String how) implements Outcome {
        }

        /**
         * @param mayComeLater true when none of the nodes' replication addresses is local: the
         *                     replication interface may not be up yet, so trying again can
         *                     succeed; false when only a change of the file or the command
         *                     line can help
         */
        record NotFound(String reason, boolean mayComeLater) implements Outcome {
        }
    }

    private NodeIdentity() {
    }

    public static Outcome find(SagentConfig config, Optional<String> override, Collection<InetAddress> localAddresses) {
        List<String> names = config.nodes().stream().map(NodeSpec::name).toList();
        if (override.isPresent()) {
            return config.node(override.get())
                    .<Outcome>map(n -> new Outcome.Found(n, "named by --node"))
                    .orElseGet(() -> new Outcome.NotFound("--node " + override.get() + ": " + config.file()
                            + " has no node of that name" + Suggestions.didYouMean(override.get(), names)
                            + "; nodes: " + String.join(", ", names), false));
        }
        List<NodeSpec> matches = config.nodes().stream()
                .filter(n -> localAddresses.contains(n.replicationAddress()))
                .toList();
        if (matches.size() == 1) {
            return new Outcome.Found(matches.get(0), "replication address "
                    + matches.get(0).replicationAddress().getHostAddress() + " is local");
        }
        if (matches.size() > 1) {
            return new Outcome.NotFound("this machine has the replication addresses of several nodes ("
                    + matches.stream().map(NodeSpec::name).collect(Collectors.joining(", "))
                    + "); start the agent with --node NAME", false);
        }
        String configured = config.nodes().stream()
                .map(n -> n.name() + " " + n.replicationAddress().getHostAddress())
                .collect(Collectors.joining(", "));
        String seen = localAddresses.isEmpty() ? "none"
                : localAddresses.stream().map(InetAddress::getHostAddress).sorted().collect(Collectors.joining(", "));
        return new Outcome.NotFound("this machine has none of the nodes' replication addresses (" + configured
                + "); its addresses are " + seen + "; fix replication-address in " + config.file()
                + ", bring the replication interface up, or start the agent with --node NAME", true);
    }
}
