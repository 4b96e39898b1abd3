package org.sagent.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.ConnectionsSettings;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.route.SockDiag;
import org.sagent.netlink.route.TcpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connections.interval: the established client connections on the public addresses
 * (sock_diag), bounded per address, posted to the loop, whose controller publishes them:
 * whoever takes an address after this node vanished tickles these clients.
 */
final class ConnectionTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "connection-tracker");
        thread.setDaemon(true);
        return thread;
    });

    private ConnectionTracker() {
    }

    static ConnectionTracker start(List<PublicAddressSpec> publicAddresses, ConnectionsSettings settings,
                                   Consumer<AgentEvent> events) {
        ConnectionTracker tracker = new ConnectionTracker();
        Set<String> publicKeys = publicAddresses.stream()
                .map(a -> AddressReconciler.key(a.address().address())).collect(Collectors.toSet());
        int max = settings.maxPerAddress();
        SockDiag diag;
        try {
            diag = SockDiag.open();
        } catch (NetlinkException e) {
            log.warn("cannot list client connections (sock_diag): {}; no tickle ACKs after a takeover", e.getMessage());
            return tracker;
        }
        tracker.executor.scheduleWithFixedDelay(() -> {
            try {
                Map<String, List<String>> byAddress = new TreeMap<>();
                for (TcpConnection c : diag.established()) {
                    String key = AddressReconciler.key(c.local());
                    if (publicKeys.contains(key)) {
                        List<String> list = byAddress.computeIfAbsent(key, k -> new ArrayList<>());
                        if (list.size() < max) {
                            list.add(AddressReconciler.clientOf(c));
                        }
                    }
                }
                events.accept(new AgentEvent.ClientsListed(byAddress));
            } catch (RuntimeException e) {
                log.debug("listing client connections failed: {}", e.toString());
            }
        }, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        return tracker;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
