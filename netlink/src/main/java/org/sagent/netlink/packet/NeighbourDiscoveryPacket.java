package org.sagent.netlink.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.sagent.netlink.MacAddress;

/**
 * IPv6 neighbour solicitations and advertisements (RFC 4861) in their Ethernet frames, with
 * the ICMPv6 checksum computed here because the frames go out whole on a packet socket.
 *
 * @param type        {@link #NEIGHBOUR_SOLICITATION} or {@link #NEIGHBOUR_ADVERTISEMENT}
 * @param flags       for advertisements: {@link #FLAG_ROUTER}, {@link #FLAG_SOLICITED}, {@link #FLAG_OVERRIDE}
 * @param linkLayer   the source (solicitation) or target (advertisement) link-layer address option
 */
public record NeighbourDiscoveryPacket(MacAddress ethernetDestination, MacAddress ethernetSource, Inet6Address source,
                                       Inet6Address destination, int type, int flags, Inet6Address target,
                                       Optional<MacAddress> linkLayer) {

    public static final int NEIGHBOUR_SOLICITATION = 135;
    public static final int NEIGHBOUR_ADVERTISEMENT = 136;
    public static final int FLAG_ROUTER = 0x80000000;
    public static final int FLAG_SOLICITED = 0x40000000;
    public static final int FLAG_OVERRIDE = 0x20000000;
    static final int NEXT_HEADER_ICMPV6 = 58;
    private static final int OPTION_SOURCE_LINK_LAYER = 1;
    private static final int OPTION_TARGET_LINK_LAYER = 2;

    public static final Inet6Address UNSPECIFIED = ipv6(new byte[16]);
    public static final Inet6Address ALL_NODES = ipv6(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    /** Unsolicited advertisement of {@code address} at {@code mac}, overriding caches, to all nodes. */
    public static NeighbourDiscoveryPacket unsolicitedAdvertisement(MacAddress mac, Inet6Address address) {
        return new NeighbourDiscoveryPacket(multicastMac(ALL_NODES), mac, address, ALL_NODES, NEIGHBOUR_ADVERTISEMENT,
                FLAG_OVERRIDE, address, Optional.of(mac));
    }

    /** Duplicate address detection probe: a solicitation from :: to the solicited-node group, no option. */
    public static NeighbourDiscoveryPacket duplicateAddressProbe(MacAddress mac, Inet6Address address) {
        Inet6Address group = solicitedNode(address);
        return new NeighbourDiscoveryPacket(multicastMac(group), mac, UNSPECIFIED, group, NEIGHBOUR_SOLICITATION, 0,
                address, Optional.empty());
    }

    public byte[] encode() {
        int icmpLength = 24 + (linkLayer.isPresent() ? 8 : 0);
        ByteBuffer icmp = ByteBuffer.allocate(icmpLength);
        icmp.put((byte) type).put((byte) 0).putShort((short) 0);
        icmp.putInt(type == NEIGHBOUR_ADVERTISEMENT ? flags : 0);
        icmp.put(target.getAddress());
        linkLayer.ifPresent(mac -> icmp.put((byte) (type == NEIGHBOUR_ADVERTISEMENT ? OPTION_TARGET_LINK_LAYER
                : OPTION_SOURCE_LINK_LAYER)).put((byte) 1).put(mac.bytes()));
        byte[] message = icmp.array();
        int checksum = checksum(source, destination, message);
        message[2] = (byte) (checksum >> 8);
        message[3] = (byte) checksum;

        ByteBuffer frame = ByteBuffer.allocate(14 + 40 + icmpLength);
        frame.put(ethernetDestination.bytes()).put(ethernetSource.bytes()).putShort((short) PacketSocket.ETH_P_IPV6);
        frame.putInt(0x60000000).putShort((short) icmpLength).put((byte) NEXT_HEADER_ICMPV6).put((byte) 255);
        frame.put(source.getAddress()).put(destination.getAddress());
        frame.put(message);
        return frame.array();
    }

    /** Decodes a neighbour solicitation or advertisement; empty for anything else or anything malformed. */
    public static Optional<NeighbourDiscoveryPacket> decode(byte[] bytes, int length) {
        if (length < 14 + 40 + 24) {
            return Optional.empty();
        }
        ByteBuffer frame = ByteBuffer.wrap(bytes, 0, length);
        byte[] ethDst = new byte[6];
        byte[] ethSrc = new byte[6];
        frame.get(ethDst).get(ethSrc);
        if (Short.toUnsignedInt(frame.getShort()) != PacketSocket.ETH_P_IPV6 || (frame.get(14) & 0xf0) != 0x60) {
            return Optional.empty();
        }
        frame.position(18);
        int payloadLength = Short.toUnsignedInt(frame.getShort());
        int nextHeader = Byte.toUnsignedInt(frame.get());
        int hopLimit = Byte.toUnsignedInt(frame.get());
        // RFC 4861 7.1.1: hop limit 255 proves the sender is on-link.
        if (nextHeader != NEXT_HEADER_ICMPV6 || hopLimit != 255 || payloadLength < 24 || 54 + payloadLength > length) {
            return Optional.empty();
        }
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        frame.get(src).get(dst);
        byte[] message = new byte[payloadLength];
        frame.get(message);
        if (checksum(ipv6(src), ipv6(dst), message) != 0) {
            return Optional.empty();
        }
        ByteBuffer icmp = ByteBuffer.wrap(message);
        int type = Byte.toUnsignedInt(icmp.get());
        if ((type != NEIGHBOUR_SOLICITATION && type != NEIGHBOUR_ADVERTISEMENT) || icmp.get() != 0) {
            return Optional.empty();
        }
        icmp.getShort();
        int flags = icmp.getInt();
        byte[] target = new byte[16];
        icmp.get(target);
        Optional<MacAddress> linkLayer = Optional.empty();
        while (icmp.remaining() >= 8) {
            int optionType = Byte.toUnsignedInt(icmp.get());
            int optionLength = Byte.toUnsignedInt(icmp.get()) * 8;
            if (optionLength < 8 || optionLength - 2 > icmp.remaining()) {
                return Optional.empty();
            }
            if ((optionType == OPTION_SOURCE_LINK_LAYER || optionType == OPTION_TARGET_LINK_LAYER) && optionLength == 8) {
                byte[] mac = new byte[6];
                icmp.get(mac);
                linkLayer = Optional.of(MacAddress.of(mac));
            } else {
                icmp.position(icmp.position() + optionLength - 2);
            }
        }
        return Optional.of(new NeighbourDiscoveryPacket(MacAddress.of(ethDst), MacAddress.of(ethSrc), ipv6(src),
                ipv6(dst), type, type == NEIGHBOUR_ADVERTISEMENT ? flags : 0, ipv6(target), linkLayer));
    }

    /** The ICMPv6 checksum (RFC 4443 2.3) over the pseudo-header and {@code message}; 0 when a filled-in one verifies. */
    static int checksum(Inet6Address source, Inet6Address destination, byte[] message) {
        ByteBuffer pseudo = ByteBuffer.allocate(40 + message.length + (message.length % 2));
        pseudo.put(source.getAddress()).put(destination.getAddress());
        pseudo.putInt(message.length).put(new byte[3]).put((byte) NEXT_HEADER_ICMPV6);
        pseudo.put(message);
        return InternetChecksum.of(pseudo.array(), 0, pseudo.capacity());
    }

    /** ff02::1:ffXX:XXXX for the last 24 bits of {@code address}. */
    public static Inet6Address solicitedNode(Inet6Address address) {
        byte[] a = address.getAddress();
        return ipv6(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, a[13], a[14], a[15]});
    }

    /** 33:33 and the last 32 bits of a multicast group (RFC 2464 7). */
    public static MacAddress multicastMac(Inet6Address group) {
        byte[] g = group.getAddress();
        return MacAddress.of(new byte[] {0x33, 0x33, g[12], g[13], g[14], g[15]});
    }

    static Inet6Address ipv6(byte[] bytes) {
        try {
            return (Inet6Address) InetAddress.getByAddress(null, bytes);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + bytes.length, e);
        }
    }
}
