package org.sagent.netlink.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.packet.AnnounceForm;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.ArpRound;
import org.sagent.netlink.packet.ArpConflictWatcher;
import org.sagent.netlink.packet.EchoChannel;
import org.sagent.netlink.packet.EchoRound;
import org.sagent.netlink.packet.Liveness;
import org.sagent.netlink.packet.NeighbourDiscoveryChannel;
import org.sagent.netlink.packet.ProbeResult;
import org.sagent.netlink.route.AddResult;
import org.sagent.netlink.route.DeleteResult;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.NetlinkEvent;
import org.sagent.netlink.route.NetlinkEventMonitor;
import org.sagent.netlink.route.RtNetlink;
import org.sagent.netlink.route.SockDiag;
import org.sagent.netlink.route.TcpConnection;
import org.sagent.netlink.packet.TcpTickle;

/**
 * Runs inside a test namespace as its own JVM and drives the netlink module from commands on
 * standard input, one per line; each answer ends with a line ".". Events and conflicts arrive
 * at any time as lines starting with "event " or "conflict ". The process ends when its
 * standard input closes.
 */
public final class NetlinkDriver {

    private NetlinkDriver() {
    }

    public static void main(String[] args) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try (RtNetlink rt = RtNetlink.open();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            say("ready");
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                try {
                    run(rt, w, open);
                } catch (NetlinkException | IllegalArgumentException e) {
                    say("error " + e.getMessage());
                }
                say(".");
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /** Comma-separated IPv4 addresses. */
    private static List<Inet4Address> ipv4s(String list) throws java.io.IOException {
        List<Inet4Address> all = new ArrayList<>();
        for (String one : list.split(",")) {
            all.add((Inet4Address) InetAddress.getByName(one));
        }
        return all;
    }

    private static void run(RtNetlink rt, String[] w, List<AutoCloseable> open) throws Exception {
        switch (w[0]) {
            case "links" -> {
                for (Link l : rt.links()) {
                    say("link " + l.index() + " " + l.name() + " " + l.mac().map(Object::toString).orElse("-") + " "
                            + (l.isUp() ? "up" : "down") + " " + (l.carrier() ? "carrier" : "no-carrier") + " "
                            + l.operState());
                }
            }
            case "addresses" -> {
                for (InterfaceAddress a : rt.addresses()) {
                    say("addr " + a.interfaceIndex() + " " + a.address().getHostAddress() + "/" + a.prefixLength()
                            + " flags=0x" + Integer.toHexString(a.flags()) + (a.isSecondary() ? " secondary" : "")
                            + (a.isTentative() ? " tentative" : "") + " label=" + a.label().orElse("-"));
                }
            }
            case "link" -> say(rt.link(w[1]).map(l -> "link " + l.index() + " " + l.name()).orElse("no-link"));
            case "add" -> {
                String[] cidr = w[2].split("/");
                AddResult r = rt.addAddress(rt.requireLink(w[1]), InetAddress.getByName(cidr[0]),
                        Integer.parseInt(cidr[1]), w.length > 3 ? Optional.of(w[3]) : Optional.empty());
                say(r instanceof AddResult.Added ? "added" : "already-present");
            }
            case "del" -> {
                String[] cidr = w[2].split("/");
                DeleteResult r = rt.deleteAddress(rt.requireLink(w[1]), InetAddress.getByName(cidr[0]),
                        Integer.parseInt(cidr[1]));
                say(r instanceof DeleteResult.Deleted ? "deleted" : "not-present");
            }
            case "add-announce" -> {
                // For the benchmark: wall-clock time just before the add, then the first announcement.
                String[] cidr = w[2].split("/");
                Link link = rt.requireLink(w[1]);
                try (ArpChannel arp = ArpChannel.open(link)) {
                    long before = wallMicros();
                    rt.addAddress(link, InetAddress.getByName(cidr[0]), Integer.parseInt(cidr[1]), Optional.empty());
                    arp.announce((Inet4Address) InetAddress.getByName(cidr[0]), AnnounceForm.REQUEST);
                    say("t0 " + before);
                }
            }
            case "events" -> {
                int buffer = w.length > 1 ? Integer.parseInt(w[1]) : NetlinkEventMonitor.DEFAULT_RECEIVE_BUFFER;
                long stallMillis = w.length > 2 ? Long.parseLong(w[2]) : 0;
                boolean[] first = {true};
                open.add(NetlinkEventMonitor.start(event -> {
                    if (first[0] && stallMillis > 0) {
                        first[0] = false;
                        sleep(stallMillis); // a slow listener: lets the kernel overrun our buffer
                    }
                    say("event " + describe(event));
                }, buffer));
                say("events started");
            }
            case "announce" -> {
                List<AnnounceForm> forms = new ArrayList<>();
                for (String f : w[5].split(",")) {
                    forms.add(AnnounceForm.valueOf(f.toUpperCase()));
                }
                try (ArpChannel arp = ArpChannel.open(rt.requireLink(w[1]))) {
                    say("sent " + arp.announce((Inet4Address) InetAddress.getByName(w[2]), Integer.parseInt(w[3]),
                            Duration.ofMillis(Long.parseLong(w[4])), forms.toArray(AnnounceForm[]::new)));
                }
            }
            case "probe" -> {
                try (ArpChannel arp = ArpChannel.open(rt.requireLink(w[1]))) {
                    long start = System.nanoTime();
                    ProbeResult r = arp.probe((Inet4Address) InetAddress.getByName(w[2]), Integer.parseInt(w[3]),
                            Duration.ofMillis(Long.parseLong(w[4])), Duration.ofMillis(Long.parseLong(w[5])));
                    say(describe(r) + " " + (System.nanoTime() - start) / 1_000_000 + "ms");
                }
            }
            case "ping" -> {
                try (ArpChannel arp = ArpChannel.open(rt.requireLink(w[1]))) {
                    Liveness r = arp.ping((Inet4Address) InetAddress.getByName(w[2]),
                            (Inet4Address) InetAddress.getByName(w[3]), Duration.ofMillis(Long.parseLong(w[4])));
                    say(r instanceof Liveness.Alive a ? "alive " + a.mac() : "silent");
                }
            }
            case "round" -> {
                // round IFACE SOURCE COUNT INTERVAL_MS WAIT_MS ASKED,... PROBED,...: one askAndProbe round
                try (ArpChannel arp = ArpChannel.open(rt.requireLink(w[1]))) {
                    long start = System.nanoTime();
                    ArpRound r = arp.askAndProbe((Inet4Address) InetAddress.getByName(w[2]), ipv4s(w[6]), ipv4s(w[7]),
                            Integer.parseInt(w[3]), Duration.ofMillis(Long.parseLong(w[4])),
                            Duration.ofMillis(Long.parseLong(w[5])));
                    StringBuilder line = new StringBuilder();
                    r.neighbours().forEach((ip, l) -> line.append(ip.getHostAddress()).append('=')
                            .append(l instanceof Liveness.Alive a ? "alive/" + a.mac() : "silent").append(' '));
                    r.probes().forEach((ip, p) -> line.append(ip.getHostAddress()).append('=')
                            .append(p instanceof ProbeResult.InUse u ? "in-use/" + u.by() : "free").append(' '));
                    say(line.append((System.nanoTime() - start) / 1_000_000).append("ms").toString());
                }
            }
            case "echo" -> {
                // echo IFACE SOURCE TIMEOUT_MS TARGET...: one round, every target asked at once
                List<Inet4Address> targets = new ArrayList<>();
                for (int i = 4; i < w.length; i++) {
                    targets.add((Inet4Address) InetAddress.getByName(w[i]));
                }
                Inet4Address source = (Inet4Address) InetAddress.getByName(w[2]);
                try (EchoChannel echo = EchoChannel.open(rt.requireLink(w[1]), source)) {
                    EchoRound round = echo.ask(targets, Duration.ofMillis(Long.parseLong(w[3])));
                    say("answered=" + round.answered().stream().map(Inet4Address::getHostAddress).toList()
                            + " unmatched=" + round.unmatchedReplies() + " " + round.outcomes().values().stream()
                            .map(o -> o.getClass().getSimpleName()).toList());
                }
            }
            case "na" -> {
                try (NeighbourDiscoveryChannel nd = NeighbourDiscoveryChannel.open(rt.requireLink(w[1]))) {
                    say("sent " + nd.advertise((Inet6Address) InetAddress.getByName(w[2]), Integer.parseInt(w[3]),
                            Duration.ofMillis(Long.parseLong(w[4]))));
                }
            }
            case "dad" -> {
                try (NeighbourDiscoveryChannel nd = NeighbourDiscoveryChannel.open(rt.requireLink(w[1]))) {
                    long start = System.nanoTime();
                    ProbeResult r = nd.probe((Inet6Address) InetAddress.getByName(w[2]), Integer.parseInt(w[3]),
                            Duration.ofMillis(Long.parseLong(w[4])), Duration.ofMillis(Long.parseLong(w[5])));
                    say(describe(r) + " " + (System.nanoTime() - start) / 1_000_000 + "ms");
                }
            }
            case "watch" -> {
                Inet4Address held = (Inet4Address) InetAddress.getByName(w[2]);
                open.add(ArpConflictWatcher.start(rt.requireLink(w[1]), () -> Set.of(held),
                        (address, mac, packet) -> say("conflict " + address.getHostAddress() + " " + mac)));
                say("watching");
            }
            case "conns" -> {
                try (SockDiag diag = SockDiag.open()) {
                    List<TcpConnection> found = diag.establishedOn(InetAddress.getByName(w[1]));
                    say("conns " + found.size() + found.stream().map(c -> " " + c.localPort() + ">"
                            + c.remote().getHostAddress() + ":" + c.remotePort()).reduce("", String::concat));
                }
            }
            case "destroy" -> {
                try (SockDiag diag = SockDiag.open()) {
                    int destroyed = 0;
                    for (TcpConnection c : diag.establishedOn(InetAddress.getByName(w[1]))) {
                        destroyed += diag.destroy(c) ? 1 : 0;
                    }
                    say("destroyed " + destroyed);
                }
            }
            case "tickle" -> {
                try (TcpTickle tickle = TcpTickle.from(InetAddress.getByName(w[1]))) {
                    say("sent " + tickle.send(Integer.parseInt(w[2]), InetAddress.getByName(w[3]),
                            Integer.parseInt(w[4]), Integer.parseInt(w[5]), Duration.ofMillis(50)));
                }
            }
            default -> say("error unknown command " + w[0]);
        }
    }

    private static String describe(ProbeResult r) {
        return r instanceof ProbeResult.InUse u ? "in-use " + u.by() : "free";
    }

    static String describe(NetlinkEvent event) {
        if (event instanceof NetlinkEvent.AddressAdded a) {
            return "AddressAdded " + a.address().address().getHostAddress() + "/" + a.address().prefixLength();
        }
        if (event instanceof NetlinkEvent.AddressRemoved a) {
            return "AddressRemoved " + a.address().address().getHostAddress() + "/" + a.address().prefixLength();
        }
        if (event instanceof NetlinkEvent.Resynchronised r) {
            return "Resynchronised links=" + r.links().size() + " addresses=" + r.addresses().size();
        }
        String name = event.getClass().getSimpleName();
        Link link;
        if (event instanceof NetlinkEvent.LinkAppeared e) {
            link = e.link();
        } else if (event instanceof NetlinkEvent.LinkRemoved e) {
            link = e.link();
        } else if (event instanceof NetlinkEvent.LinkUp e) {
            link = e.link();
        } else if (event instanceof NetlinkEvent.LinkDown e) {
            link = e.link();
        } else if (event instanceof NetlinkEvent.CarrierLost e) {
            link = e.link();
        } else if (event instanceof NetlinkEvent.CarrierRegained e) {
            link = e.link();
        } else {
            throw new IllegalStateException("unhandled " + event);
        }
        return name + " " + link.name();
    }

    static long wallMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
