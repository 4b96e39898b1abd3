package org.sagent.netlink.route;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sagent.netlink.Errno;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.NetlinkException;

/**
 * Links and addresses through rtnetlink (NETLINK_ROUTE): list, look up, add, delete.
 *
 * <p>Thread-safety: one instance may be shared; its requests are serialised on one socket.
 *
 * <p>IPv4 primary and secondary addresses: an address added in the subnet of an address
 * already on the interface becomes <em>secondary</em>, and the kernel deletes secondaries
 * together with their primary unless {@code net.ipv4.conf.IF.promote_secondaries} is 1. A
 * public address may well be the primary of its subnet (added before the node's own
 * address, or the only one), so {@link #deleteAddress} never deletes a primary that has
 * secondaries without first turning {@code promote_secondaries} on for that interface: the
 * kernel then promotes a secondary instead of deleting it, and removing a public address can
 * never take another address with it.
 */
public final class RtNetlink implements AutoCloseable {

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_CARRIER = 33;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_BROADCAST = 4;
    static final int IFA_FLAGS = 8;

    static final int RT_SCOPE_UNIVERSE = 0;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

    private final RouteSocket socket;
    private final Path procSys;

    private RtNetlink(RouteSocket socket, Path procSys) {
        this.socket = socket;
        this.procSys = procSys;
    }

    /** Opens a request socket in the calling process's network namespace. */
    public static RtNetlink open() {
        return new RtNetlink(new RouteSocket(0, "rtnetlink request socket"), Path.of("/proc/sys"));
    }

    // ---- links ---------------------------------------------------------------------------

    public synchronized List<Link> links() {
        MessageBuilder request = new MessageBuilder(RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP)
                .u8(0).u8(0).u16(0).u32(0).u32(0).u32(0);
        RouteSocket.Reply reply = socket.transact(request, "listing links", REPLY_TIMEOUT);
        check(reply, "listing links");
        List<Link> links = new ArrayList<>();
        for (NetlinkMessage message : reply.messages()) {
            if (message.type() == RTM_NEWLINK) {
                links.add(decodeLink(message));
            }
        }
        return links;
    }

    /** The link of that name, or empty if there is none. */
    public synchronized Optional<Link> link(String name) {
        MessageBuilder request = new MessageBuilder(RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST)
                .u8(0).u8(0).u16(0).u32(0).u32(0).u32(0)
                .attributeString(IFLA_IFNAME, name);
        RouteSocket.Reply reply = socket.transact(request, "looking up " + name, REPLY_TIMEOUT);
        if (reply.errno() == Errno.ENODEV) {
            return Optional.empty();
        }
        check(reply, "looking up " + name);
        return reply.messages().stream().filter(m -> m.type() == RTM_NEWLINK).findFirst().map(RtNetlink::decodeLink);
    }

    /** The link of that name; an {@code ENODEV} exception that names it otherwise. */
    public Link requireLink(String name) {
        return link(name).orElseThrow(() -> new NetlinkException(Errno.ENODEV, "looking up " + name
                + ": no interface " + name + " in this network namespace"));
    }

    static Link decodeLink(NetlinkMessage message) {
        ByteBuffer payload = message.payload();
        if (payload.remaining() < 16) {
            throw new NetlinkException("malformed RTM_NEWLINK: " + payload.remaining() + " bytes");
        }
        int index = payload.getInt(4);
        int flags = payload.getInt(8);
        Attributes attributes = Attributes.parse(payload.duplicate().position(16), "RTM_NEWLINK");
        String name = attributes.string(IFLA_IFNAME).orElse("#" + index);
        Optional<MacAddress> mac = attributes.bytes(IFLA_ADDRESS).filter(b -> b.length == 6).map(MacAddress::of);
        OperState state = attributes.u8(IFLA_OPERSTATE).map(OperState::of).orElse(OperState.UNKNOWN);
        boolean carrier = attributes.u8(IFLA_CARRIER).map(c -> c != 0).orElse((flags & Link.IFF_LOWER_UP) != 0);
        int mtu = attributes.u32(IFLA_MTU).orElse(0);
        return new Link(index, name, mac, flags, state, carrier, mtu);
    }

    // ---- addresses -----------------------------------------------------------------------

    /** Every IPv4 and IPv6 address on every interface. */
    public synchronized List<InterfaceAddress> addresses() {
        MessageBuilder request = new MessageBuilder(RTM_GETADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP)
                .u8(0).u8(0).u8(0).u8(0).u32(0);
        RouteSocket.Reply reply = socket.transact(request, "listing addresses", REPLY_TIMEOUT);
        check(reply, "listing addresses");
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (NetlinkMessage message : reply.messages()) {
            if (message.type() == RTM_NEWADDR) {
                decodeAddress(message).ifPresent(addresses::add);
            }
        }
        return addresses;
    }

    public List<InterfaceAddress> addresses(int interfaceIndex) {
        return addresses().stream().filter(a -> a.interfaceIndex() == interfaceIndex).toList();
    }

    static Optional<InterfaceAddress> decodeAddress(NetlinkMessage message) {
        ByteBuffer payload = message.payload();
        if (payload.remaining() < 8) {
            throw new NetlinkException("malformed address message: " + payload.remaining() + " bytes");
        }
        int family = Byte.toUnsignedInt(payload.get(0));
        int prefixLength = Byte.toUnsignedInt(payload.get(1));
        int flags = Byte.toUnsignedInt(payload.get(2));
        int scope = Byte.toUnsignedInt(payload.get(3));
        int index = payload.getInt(4);
        if (family != LibCConstants.AF_INET && family != LibCConstants.AF_INET6) {
            return Optional.empty();
        }
        Attributes attributes = Attributes.parse(payload.duplicate().position(8), "address message");
        // For IPv4, IFA_LOCAL is the address itself (IFA_ADDRESS is the peer on point-to-point links).
        Optional<byte[]> raw = attributes.bytes(IFA_LOCAL).or(() -> attributes.bytes(IFA_ADDRESS));
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(raw.get());
        } catch (UnknownHostException e) {
            throw new NetlinkException("malformed address attribute of " + raw.get().length + " bytes");
        }
        int allFlags = attributes.u32(IFA_FLAGS).orElse(flags);
        return Optional.of(new InterfaceAddress(index, address, prefixLength, scope, allFlags, attributes.string(IFA_LABEL)));
    }

    /**
     * Adds {@code address/prefixLength} to the interface. IPv4 gets its broadcast address;
     * IPv6 skips duplicate address detection (IFA_F_NODAD) so it is usable at once: sagent
     * probes for duplicates itself before adding. A {@code label} (IPv4 only) must start with
     * the interface name, e.g. {@code eth1:pub}.
     */
    public synchronized AddResult addAddress(Link link, InetAddress address, int prefixLength, Optional<String> label) {
        String what = "adding " + address.getHostAddress() + "/" + prefixLength + " to " + link.name();
        boolean ipv4 = address instanceof Inet4Address;
        int nodad = ipv4 ? 0 : InterfaceAddress.IFA_F_NODAD;
        MessageBuilder request = new MessageBuilder(RTM_NEWADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK
                | NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
                .u8(ipv4 ? LibCConstants.AF_INET : LibCConstants.AF_INET6).u8(prefixLength).u8(nodad)
                .u8(RT_SCOPE_UNIVERSE).u32(link.index())
                .attribute(IFA_LOCAL, address.getAddress())
                .attribute(IFA_ADDRESS, address.getAddress());
        if (ipv4 && prefixLength <= 30) {
            request.attribute(IFA_BROADCAST, broadcast(address, prefixLength));
        }
        if (nodad != 0) {
            request.attributeU32(IFA_FLAGS, nodad);
        }
        if (label.isPresent()) {
            if (!ipv4 || !label.get().startsWith(link.name()) || label.get().length() > 15) {
                throw new IllegalArgumentException("an address label is IPv4 only, starts with the interface name and "
                        + "has at most 15 characters: " + label.get());
            }
            request.attributeString(IFA_LABEL, label.get());
        }
        RouteSocket.Reply reply = socket.transact(request, what, REPLY_TIMEOUT);
        if (reply.errno() == Errno.EEXIST) {
            return new AddResult.AlreadyPresent();
        }
        check(reply, what);
        return new AddResult.Added();
    }

    /** Deletes {@code address/prefixLength} from the interface; see the class comment for primaries. */
    public synchronized DeleteResult deleteAddress(Link link, InetAddress address, int prefixLength) {
        String what = "deleting " + address.getHostAddress() + "/" + prefixLength + " from " + link.name();
        boolean ipv4 = address instanceof Inet4Address;
        if (ipv4) {
            protectSecondaries(link, address);
        }
        MessageBuilder request = new MessageBuilder(RTM_DELADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK)
                .u8(ipv4 ? LibCConstants.AF_INET : LibCConstants.AF_INET6).u8(prefixLength).u8(0).u8(0).u32(link.index())
                .attribute(IFA_LOCAL, address.getAddress());
        if (!ipv4) {
            request.attribute(IFA_ADDRESS, address.getAddress());
        }
        RouteSocket.Reply reply = socket.transact(request, what, REPLY_TIMEOUT);
        if (reply.errno() == Errno.EADDRNOTAVAIL || reply.errno() == Errno.ENOENT) {
            return new DeleteResult.NotPresent();
        }
        check(reply, what);
        return new DeleteResult.Deleted();
    }

    private void protectSecondaries(Link link, InetAddress address) {
        List<InterfaceAddress> onLink = addresses(link.index());
        Optional<InterfaceAddress> target = onLink.stream().filter(a -> a.address().equals(address)).findFirst();
        if (target.isEmpty() || target.get().isSecondary()) {
            return;
        }
        boolean hasSecondaries = onLink.stream().anyMatch(a -> a.isIpv4() && a.isSecondary()
                && a.prefixLength() == target.get().prefixLength()
                && sameSubnet(a.address(), address, a.prefixLength()));
        if (hasSecondaries) {
            enablePromoteSecondaries(link.name());
        }
    }

    /** Sets {@code net.ipv4.conf.IF.promote_secondaries=1} in this network namespace. */
    public void enablePromoteSecondaries(String interfaceName) {
        Path setting = procSys.resolve("net/ipv4/conf").resolve(interfaceName).resolve("promote_secondaries");
        try {
            if (!Files.readString(setting).trim().equals("1")) {
                Files.writeString(setting, "1\n");
            }
        } catch (IOException e) {
            throw new NetlinkException(Errno.EACCES, "enabling promote_secondaries on " + interfaceName + " ("
                    + setting + "): " + e.getMessage());
        }
    }

    static boolean sameSubnet(InetAddress a, InetAddress b, int prefixLength) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    static byte[] broadcast(InetAddress address, int prefixLength) {
        int value = ByteBuffer.wrap(address.getAddress()).getInt();
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return ByteBuffer.allocate(4).putInt(value | ~mask).array();
    }

    private static void check(RouteSocket.Reply reply, String what) {
        if (reply.errno() != 0) {
            String kernel = reply.kernelMessage().isEmpty() ? "" : " (kernel: " + reply.kernelMessage() + ")";
            throw new NetlinkException(reply.errno(), what + kernel);
        }
    }

    static boolean isIpv6(InetAddress address) {
        return address instanceof Inet6Address;
    }

    @Override
    public void close() {
        socket.close();
    }
}
