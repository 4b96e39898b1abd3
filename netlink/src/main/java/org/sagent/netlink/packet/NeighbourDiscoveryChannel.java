package org.sagent.netlink.packet;

import java.net.Inet6Address;
import java.time.Duration;
import java.util.Optional;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.route.Link;

/**
 * IPv6 neighbour discovery on one interface: unsolicited advertisements after a takeover and
 * duplicate-address probes before one. Not thread-safe.
 */
public final class NeighbourDiscoveryChannel implements AutoCloseable {

    private final Link link;
    private final MacAddress mac;
    private final PacketSocket socket;

    private NeighbourDiscoveryChannel(Link link, MacAddress mac) {
        this.link = link;
        this.mac = mac;
        this.socket = new PacketSocket(link.index(), link.name(), PacketSocket.ETH_P_IPV6);
        try {
            socket.acceptAllMulticast();
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public static NeighbourDiscoveryChannel open(Link link) {
        MacAddress mac = link.mac().filter(m -> !m.equals(MacAddress.ZERO)).orElseThrow(() -> new NetlinkException(
                "neighbour discovery on " + link.name() + ": the interface has no Ethernet address"));
        return new NeighbourDiscoveryChannel(link, mac);
    }

    /** {@code count} unsolicited advertisements (override flag, to all nodes), {@code interval} apart. */
    public int advertise(Inet6Address address, int count, Duration interval) {
        byte[] frame = NeighbourDiscoveryPacket.unsolicitedAdvertisement(mac, address).encode();
        MacAddress destination = NeighbourDiscoveryPacket.multicastMac(NeighbourDiscoveryPacket.ALL_NODES);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                ArpChannel.sleep(interval);
            }
            socket.send(frame, destination, "sending a neighbour advertisement for " + address.getHostAddress()
                    + " on " + link.name());
        }
        return count;
    }

    /**
     * Duplicate address detection by hand (RFC 4862 5.4 with short timings): solicitations from
     * :: for {@code address}; an advertisement for it, or another host's probe for it, means in use.
     */
    public ProbeResult probe(Inet6Address address, int count, Duration interval, Duration wait) {
        return probe(address, count, interval, wait, true);
    }

    /** With {@code othersProbingConflict} false, only an advertisement for the address counts. */
    public ProbeResult probe(Inet6Address address, int count, Duration interval, Duration wait,
                             boolean othersProbingConflict) {
        NeighbourDiscoveryPacket probe = NeighbourDiscoveryPacket.duplicateAddressProbe(mac, address);
        byte[] frame = probe.encode();
        for (int i = 0; i < count; i++) {
            socket.send(frame, probe.ethernetDestination(), "sending a duplicate address probe for "
                    + address.getHostAddress() + " on " + link.name());
            long deadline = System.nanoTime() + (i == count - 1 ? wait : interval).toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Optional<PacketSocket.Frame> received = socket.receive(Duration.ofNanos(left));
                if (received.isEmpty()) {
                    break;
                }
                Optional<NeighbourDiscoveryPacket> packet = NeighbourDiscoveryPacket.decode(received.get().bytes(),
                        received.get().length());
                if (packet.isPresent() && claims(packet.get(), address)
                        && (othersProbingConflict || packet.get().type() == NeighbourDiscoveryPacket.NEIGHBOUR_ADVERTISEMENT)) {
                    return new ProbeResult.InUse(packet.get().linkLayer().orElse(packet.get().ethernetSource()));
                }
            }
        }
        return new ProbeResult.Free();
    }

    private boolean claims(NeighbourDiscoveryPacket packet, Inet6Address address) {
        if (packet.ethernetSource().equals(mac) || !packet.target().equals(address)) {
            return false;
        }
        return packet.type() == NeighbourDiscoveryPacket.NEIGHBOUR_ADVERTISEMENT
                || packet.source().equals(NeighbourDiscoveryPacket.UNSPECIFIED);
    }

    @Override
    public void close() {
        socket.close();
    }
}
