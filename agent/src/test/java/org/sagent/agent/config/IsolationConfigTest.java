package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsolationConfigTest {

    private static SagentConfig parse(String extra) throws Exception {
        Path good = Path.of(IsolationConfigTest.class.getResource("/config/good.yaml").toURI());
        ConfigResult result = ConfigParser.parse("test.yaml", Files.readString(good) + extra);
        return assertInstanceOf(ConfigResult.Valid.class, result, result.problems().toString()).config();
    }

    @Test
    void withoutTheSectionIsolationIsOff() throws Exception {
        IsolationSettings off = parse("").isolation();
        assertFalse(off.enabled());
        assertTrue(off.witnesses().isEmpty());
    }

    @Test
    void theSectionWithOnlyWitnessesTakesTheDefaults() throws Exception {
        IsolationSettings settings = parse("isolation:\n  witnesses: [198.51.100.1, 198.51.100.2]\n").isolation();
        assertTrue(settings.enabled());
        assertEquals(List.of("198.51.100.1", "198.51.100.2"),
                settings.witnesses().stream().map(java.net.Inet4Address::getHostAddress).toList());
        assertEquals(Duration.ofMillis(300), settings.witnessTimeout());
        assertEquals(Duration.ofSeconds(2), settings.witnessInterval());
        assertEquals(Optional.empty(), settings.preferredNode());
        assertEquals("lowest-number", settings.tieBreakText());
        assertEquals(IsolationSettings.Action.REBOOT, settings.action());
        assertEquals(Duration.ofSeconds(30), settings.handlerDeadline());
        assertEquals(Duration.ofSeconds(3), settings.peerSilence());
        assertEquals(Optional.of(Duration.ofSeconds(1)), settings.drbdDisconnectAfter());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        IsolationSettings settings = parse("isolation:\n  witnesses: [198.51.100.1]\n  witness-timeout: 150ms\n"
                + "  witness-interval: 1s\n  tie-break: s1\n  action: stay-frozen\n  handler-deadline: 20s\n"
                + "  peer-silence: 5s\n  drbd-disconnect-after: 1500ms\n").isolation();
        assertEquals(Duration.ofSeconds(5), settings.peerSilence());
        assertEquals(Optional.of(Duration.ofMillis(1500)), settings.drbdDisconnectAfter());
        assertEquals(Optional.empty(), parse("isolation:\n  witnesses: [198.51.100.1]\n  drbd-disconnect-after: off\n")
                .isolation().drbdDisconnectAfter(), "off: DRBD's own timers decide");
        assertEquals(Duration.ofMillis(150), settings.witnessTimeout());
        assertEquals(Duration.ofSeconds(1), settings.witnessInterval());
        assertEquals(Optional.of("s1"), settings.preferredNode());
        assertEquals(IsolationSettings.Action.STAY_FROZEN, settings.action());
        assertEquals(Duration.ofSeconds(20), settings.handlerDeadline());
    }

    @Test
    void anEvenNumberOfWitnessesIsWarnedAbout() throws Exception {
        Path good = Path.of(IsolationConfigTest.class.getResource("/config/good.yaml").toURI());
        ConfigResult result = ConfigParser.parse("test.yaml", Files.readString(good)
                + "isolation:\n  witnesses: [198.51.100.1, 198.51.100.2]\n");
        assertInstanceOf(ConfigResult.Valid.class, result, "a warning, not an error");
        assertTrue(result.problems().stream().anyMatch(p -> p.toString().contains("warning: isolation.witnesses: 2 "
                + "witnesses: a node reaches the witness only when a strict majority answers (2 of 2)")),
                result.problems().toString());

        ConfigResult odd = ConfigParser.parse("test.yaml", Files.readString(good)
                + "isolation:\n  witnesses: [198.51.100.1, 198.51.100.2, 198.51.100.3]\n");
        assertTrue(odd.problems().stream().noneMatch(p -> p.toString().contains("isolation.witnesses")),
                odd.problems().toString());
    }

    @Test
    void aDisconnectDelayOutOfRangeSaysWhatToWrite() throws Exception {
        Path good = Path.of(IsolationConfigTest.class.getResource("/config/good.yaml").toURI());
        ConfigResult result = ConfigParser.parse("test.yaml", Files.readString(good)
                + "isolation:\n  witnesses: [198.51.100.1]\n  drbd-disconnect-after: 50ms\n");
        assertInstanceOf(ConfigResult.Invalid.class, result);
        assertTrue(result.problems().stream().anyMatch(p -> p.toString().contains("isolation.drbd-disconnect-after: "
                + "50ms is out of range; write a duration from 200ms to 1m")), result.problems().toString());
    }
}
