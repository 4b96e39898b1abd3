package org.sagent.netlink.it;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The LAN the packet and connection tests share, built afresh for each test and removed after
 * it: servers {@code a} (198.51.100.1) and {@code b} (198.51.100.2) and a client {@code c}
 * (198.51.100.100), each with eth1 on one bridge. A test class extends this and adds what is
 * its own (a public address, a server) in its own {@code @BeforeEach}, which runs after this one.
 */
abstract class TwoServersAndAClient {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    NetnsLab.Netns a;
    NetnsLab.Netns b;
    NetnsLab.Netns client;

    @BeforeEach
    final void twoServersAndAClientOnALan() {
        NetnsLab.Netns lan = lab.bridge("lan");
        a = lab.namespace("a");
        b = lab.namespace("b");
        client = lab.namespace("c");
        for (NetnsLab.Netns ns : List.of(a, b, client)) {
            lab.plug(ns, "eth1", lan);
        }
        lab.address(a, "eth1", "198.51.100.1/24");
        lab.address(b, "eth1", "198.51.100.2/24");
        lab.address(client, "eth1", "198.51.100.100/24");
    }
}
