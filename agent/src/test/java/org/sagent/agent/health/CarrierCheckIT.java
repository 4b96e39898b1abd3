package org.sagent.agent.health;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/** The LAN carrier check follows netlink link events on a real kernel, without polling. */
class CarrierCheckIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @Test
    void followsTheFarEndOfTheCable() throws Exception {
        NetnsLab.Netns a = lab.namespace("a");
        NetnsLab.Netns b = lab.namespace("b");
        lab.veth(a, "eth1", b, "eth1");
        LabProcess watch = lab.startJava(a, CarrierWatchMain.class, "eth1");
        watch.awaitLine("initial passed=true degraded=false reason=eth1 has carrier"::equals,
                "an initial passing carrier check", Duration.ofSeconds(20));

        lab.ip(b, "link", "set", "eth1", "down");
        watch.awaitLine(("changed passed=false degraded=false reason=eth1 has no carrier "
                + "(cable out, switch port down?)")::equals, "the carrier loss", Duration.ofSeconds(5));
        lab.ip(b, "link", "set", "eth1", "up");
        watch.awaitLine("changed passed=true degraded=false reason=eth1 has carrier"::equals,
                "the carrier's return", Duration.ofSeconds(5));
    }
}
