package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication carrier from two sources: the first to tell wins, the other adds nothing. */
class ReplicationCarrierWatchTest {

    @TempDir
    Path dir;

    private final List<AgentEvent> events = new ArrayList<>();
    private final AtomicInteger peerChecks = new AtomicInteger();

    /** A watch whose poller is not started: the test reads the attribute when it says so. */
    private ReplicationCarrierWatch watch(Path carrier) {
        return new ReplicationCarrierWatch("eth0", carrier, Duration.ofMillis(50), peerChecks::incrementAndGet,
                events::add);
    }

    @Test
    void theLinkEventTellsFirstAndTheNextPollAddsNothing() throws Exception {
        Path carrier = Files.writeString(dir.resolve("carrier"), "0\n"); // the attribute changes before the event
        ReplicationCarrierWatch watch = watch(carrier);
        try (SysfsAttribute attribute = new SysfsAttribute(carrier)) {
            watch.linkEvent(false);
            watch.poll(attribute);
            assertEquals(List.of(new AgentEvent.ReplicationCarrier(false)), events);
            assertEquals(1, peerChecks.get(), "one peer check for one loss");
            Files.writeString(carrier, "1\n");
            watch.poll(attribute);
            watch.linkEvent(true);
            assertEquals(List.of(new AgentEvent.ReplicationCarrier(false), new AgentEvent.ReplicationCarrier(true)),
                    events);
            assertTrue(watch.up());
        }
    }

    @Test
    void thePollTellsFirstAndTheLateLinkEventAddsNothing() throws Exception {
        // A NIC: the kernel holds its carrier event back, the attribute has changed already.
        Path carrier = Files.writeString(dir.resolve("carrier"), "0\n");
        ReplicationCarrierWatch watch = watch(carrier);
        try (SysfsAttribute attribute = new SysfsAttribute(carrier)) {
            watch.poll(attribute);
            watch.linkEvent(false);
            assertEquals(List.of(new AgentEvent.ReplicationCarrier(false)), events);
            assertEquals(1, peerChecks.get());
            assertFalse(watch.up());
        }
    }

    @Test
    void anInterfaceThatCannotBeReadHasNoCarrier() {
        ReplicationCarrierWatch watch = watch(dir.resolve("gone"));
        try (SysfsAttribute attribute = new SysfsAttribute(dir.resolve("gone"))) {
            watch.poll(attribute);
        }
        assertEquals(List.of(new AgentEvent.ReplicationCarrier(false)), events);
        assertEquals(1, peerChecks.get());
    }
}
