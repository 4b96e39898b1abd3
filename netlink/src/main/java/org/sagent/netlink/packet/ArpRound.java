package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one round of ARP questions found: whether each neighbour asked answered, and whether
 * anyone answered for each address probed (see {@link ArpChannel#askAndProbe}).
 *
 * @param neighbours by neighbour asked, in the order asked
 * @param probes     by address probed, in the order probed
 */
public record ArpRound(Map<Inet4Address, Liveness> neighbours, Map<Inet4Address, ProbeResult> probes) {

    public ArpRound {
        neighbours = Collections.unmodifiableMap(new LinkedHashMap<>(neighbours));
        probes = Collections.unmodifiableMap(new LinkedHashMap<>(probes));
    }
}
