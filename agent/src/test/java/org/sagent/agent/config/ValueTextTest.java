package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Durations, addresses, prefixes and suggestions as administrators write them. */
class ValueTextTest {

    @ParameterizedTest
    @CsvSource({"200ms,200", "1s,1000", "1.5s,1500", "0.25s,250", "2m,120000", "1h,3600000", "0ms,0", "1.5m,90000"})
    void parsesDurations(String text, long millis) {
        assertEquals(Optional.of(Duration.ofMillis(millis)), DurationText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "1 s", "1S", "s", "-1s", "1.5ms", "1,5s", "1d", "", "1.2345s", "PT1S"})
    void refusesOtherDurations(String text) {
        assertEquals(Optional.empty(), DurationText.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"0,0ms", "200,200ms", "1000,1s", "1500,1500ms", "120000,2m", "3600000,1h"})
    void formatsDurationsShortestExact(long millis, String text) {
        assertEquals(text, DurationText.format(Duration.ofMillis(millis)));
        assertEquals(Optional.of(Duration.ofMillis(millis)), DurationText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "1.2.3", "1.2.3.4.5", "01.2.3.4", "[::1]", "fe80::1%eth0", "",
            "256.1.1.1", ":"})
    void refusesNonLiteralsWithoutAskingDns(String text) {
        assertEquals(Optional.empty(), IpLiterals.parse(text));
    }

    @Test
    void prefixContainment() {
        IpPrefix net = IpPrefix.parse("198.51.100.7/25").orElseThrow();
        assertTrue(net.contains(IpLiterals.parse("198.51.100.127").orElseThrow()));
        assertFalse(net.contains(IpLiterals.parse("198.51.100.128").orElseThrow()));
        assertFalse(net.contains(IpLiterals.parse("2001:db8::1").orElseThrow()));
        assertTrue(IpPrefix.parse("2001:db8::1/48").orElseThrow().contains(IpLiterals.parse("2001:db8:0:ffff::9").orElseThrow()));
        assertEquals(Optional.empty(), IpPrefix.parse("198.51.100.7/33"));
        assertEquals(Optional.empty(), IpPrefix.parse("198.51.100.7/"));
        assertEquals(Optional.empty(), IpPrefix.parse("2001:db8::1/129"));
    }

    @Test
    void prefixNetworkAndOverlap() {
        IpPrefix narrow = IpPrefix.parse("198.51.100.200/25").orElseThrow();
        assertEquals("198.51.100.128/25", narrow.network().toString());
        assertEquals("198.51.100.0/23", IpPrefix.parse("198.51.101.7/23").orElseThrow().network().toString());
        assertEquals("2001:db8:0:0:0:0:0:0/48", IpPrefix.parse("2001:db8::1/48").orElseThrow().network().toString());
        IpPrefix wide = IpPrefix.parse("198.51.100.7/24").orElseThrow();
        assertTrue(wide.overlaps(narrow));
        assertTrue(narrow.overlaps(wide));
        assertFalse(IpPrefix.parse("198.51.100.7/25").orElseThrow().overlaps(narrow), "the two halves of a /24");
        assertFalse(wide.overlaps(IpPrefix.parse("203.0.113.7/24").orElseThrow()));
        assertFalse(wide.overlaps(IpPrefix.parse("2001:db8::1/48").orElseThrow()));
    }

    @Test
    void suggestsCloseKeysOnly() {
        List<String> keys = List.of("failure-timeout", "failback", "failback-delay", "heartbeat-interval");
        assertEquals(Optional.of("failback"), Suggestions.closest("failbak", keys));
        assertEquals(Optional.of("failback-delay"), Suggestions.closest("failback_delay", keys));
        assertEquals(Optional.of("heartbeat-interval"), Suggestions.closest("hearbteat-interval", keys));
        assertEquals(Optional.empty(), Suggestions.closest("colour", keys));
        assertEquals(1, Suggestions.distance("ab", "ba"));
    }
}
