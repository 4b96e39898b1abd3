package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code sagent probe} on saved captures, as a support engineer runs it. */
class ProbeCommandTest {

    private static String fixture(String name) throws Exception {
        return Path.of(ProbeCommandTest.class.getResource("/fixtures/" + name).toURI()).toString();
    }

    @Test
    void judgesADrbdCaptureAsJson() throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("probe", "drbd", "--input",
                fixture("vm-drbd84/drbdadm-status-84-wfconnection-s1.txt"), "--resource", "sstorage", "--json");
        assertEquals(ExitCodes.OK, run.status(), run.err());
        assertEquals("{\"healthy\":true,\"degraded\":true,\"state\":\"Connecting\",\"reason\":\"DRBD sstorage is UpToDate "
                + "but the peer is disconnected (Connecting): writes are not replicated\"}\n", run.out());
    }

    @Test
    void anUnhealthyCaptureExitsOne() throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("probe", "drbd", "--input",
                fixture("drbd84/synctarget-secondary.txt"), "--resource", "sstorage");
        assertEquals(ExitCodes.FAILED, run.status());
        assertEquals("UNHEALTHY SyncTarget: DRBD sstorage is SyncTarget, 36.6% synced: not serving until UpToDate\n",
                run.out());
    }

    @Test
    void severalMinorsNeedTheMinor() throws Exception {
        String file = fixture("drbd84-docs/ganeti-proc-drbd84-mixed-minors.txt");
        CheckConfigCommandTest.Run without = CheckConfigCommandTest.sagent("probe", "drbd", "--input", file, "--resource", "r");
        assertEquals(ExitCodes.FAILED, without.status());
        assertEquals("sagent probe drbd: /proc/drbd lists minors [0, 1, 2, 4, 6, 8]: name the minor of r "
                + "(drbdadm sh-minor r)\n", without.err());
        CheckConfigCommandTest.Run with = CheckConfigCommandTest.sagent("probe", "drbd", "--input", file, "--resource", "r",
                "--minor", "4");
        assertEquals(ExitCodes.OK, with.status());
        assertTrue(with.out().startsWith("HEALTHY (degraded) WFConnection: "), with.out());
    }

    @Test
    void judgesAnOcfs2MountTable() throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("probe", "ocfs2", "--mountinfo",
                fixture("ocfs2/mountinfo-not-mounted.txt"), "--mount", "/srv/scluster", "--json");
        assertEquals(ExitCodes.FAILED, run.status());
        assertEquals("{\"healthy\":false,\"degraded\":false,\"state\":\"NotMounted\",\"reason\":\"OCFS2 /srv/scluster is not "
                + "mounted\"}\n", run.out());
    }

    @Test
    void withoutAResourceItIsAUsageError() {
        assertEquals(ExitCodes.USAGE, CheckConfigCommandTest.sagent("probe", "drbd").status());
    }
}
