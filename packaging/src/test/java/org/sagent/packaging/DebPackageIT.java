package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The built .deb: what lintian says of it, what it contains, and a real installation in a
 * minimal Debian 12 tree: install, run, remove, purge, upgrade, with systemd-analyze on the
 * installed unit and drop-ins.
 */
class DebPackageIT {

    private static final Path TARGET = Path.of(System.getProperty("sagent.target", "target"));
    private static final Path CACHE = Path.of(System.getProperty("sagent.chroot.cache",
            System.getProperty("user.home") + "/.cache/sagent/chroot"));
    private static Path deb;
    private static String version;

    @BeforeAll
    static void findTheDeb() throws Exception {
        version = Files.readString(TARGET.resolve("deb/version")).strip();
        deb = TARGET.resolve("sagent_" + version + "_all.deb");
        assertTrue(Files.exists(deb), deb + " was not built");
    }

    @Test
    void lintianFindsNoErrorAndNoWarning() throws Exception {
        DebianChroot.Ran lintian = DebianChroot.exec(Duration.ofMinutes(3), "lintian", "--fail-on", "error,warning",
                "--tag-display-limit", "0", "--display-info", deb.toString());
        System.out.println("lintian " + deb.getFileName() + ":\n" + lintian.output());
        assertEquals(0, lintian.status(), lintian.output());
        assertFalse(lintian.output().lines().anyMatch(l -> l.startsWith("E: ") || l.startsWith("W: ")),
                lintian.output());
    }

    @Test
    void theFilesAreWhereAnAdministratorLooksForThem() throws Exception {
        String contents = DebianChroot.exec(Duration.ofSeconds(30), "dpkg-deb", "--contents", deb.toString())
                .orFail("dpkg-deb --contents").output();
        for (String expected : List.of("-rwxr-xr-x root/root .* ./usr/bin/sagent",
                "-rw-r--r-- root/root .* ./usr/share/sagent/sagent.jar",
                "-rw-r--r-- root/root .* ./usr/share/sagent/sagent.yaml.example",
                "-rw-r--r-- root/root .* ./lib/systemd/system/sagent.service",
                "-rw-r--r-- root/root .* ./lib/systemd/system/o2cb.service.d/50-sagent.conf",
                "-rw-r--r-- root/root .* ./lib/systemd/system/ctdb.service.d/50-sagent.conf",
                "-rw-r--r-- root/root .* ./usr/share/man/man8/sagent.8.gz",
                "-rw-r--r-- root/root .* ./usr/share/bash-completion/completions/sagent",
                "-rw-r--r-- root/root .* ./usr/share/sagent/prometheus/sagent-alerts.yml",
                "-rw-r--r-- root/root .* ./usr/share/sagent/grafana/sagent-dashboard.json",
                "-rw-r--r-- root/root .* ./usr/share/sagent/drbd/sagent-fencing.conf",
                "-rwxr-xr-x root/root .* ./usr/share/sagent/drbd/sagent-drbd-handler",
                "-rw-r--r-- root/root .* ./usr/share/sagent/tuning/drbd-fast-failover.conf",
                "-rw-r--r-- root/root .* ./usr/share/sagent/tuning/o2cb-fast-failover",
                "-rw-r--r-- root/root .* ./usr/share/doc/sagent/copyright",
                "-rw-r--r-- root/root .* ./usr/share/doc/sagent/changelog.gz")) {
            assertTrue(contents.lines().anyMatch(l -> l.matches(expected)), expected + " in:\n" + contents);
        }
        String control = DebianChroot.exec(Duration.ofSeconds(30), "dpkg-deb", "--field", deb.toString())
                .orFail("dpkg-deb --field").output();
        assertTrue(control.contains("Version: " + version + "\n"), control);
        assertTrue(control.contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless\n"), control);
        assertTrue(control.contains("Architecture: all\n"), control);
    }

    @Test
    void installsRunsRemovesPurgesAndUpgradesInDebian12(@TempDir Path dir) throws Exception {
        NetnsLab.requireRoot();
        // The previous build: this package with a lower version (same files).
        Path previous = repack(dir, "0.0.9");
        try (DebianChroot tree = DebianChroot.create(CACHE)) {
            Files.copy(deb, tree.tmp("new.deb"));
            Files.copy(previous, tree.tmp("previous.deb"));
            tree.run("apt-get install -y -q /tmp/new.deb").orFail("apt-get install ./sagent.deb");

            // The configuration is made from the example, and no file is a conffile: a later
            // example never makes dpkg ask an administrator who edited theirs.
            tree.run("cmp /usr/share/sagent/sagent.yaml.example /etc/sagent/sagent.yaml").orFail("made from the example");
            assertEquals("", tree.run("dpkg-query -W -f '${Conffiles}' sagent").orFail("dpkg-query").output().strip());
            String ran = tree.run("sagent version").orFail("sagent version").output();
            // The package's version and its commit, not the Maven snapshot's.
            assertTrue(ran.matches("(?s)sagent " + java.util.regex.Pattern.quote(version)
                    + " \\(commit [0-9a-f]{12}\\)\n.*"), ran);
            DebianChroot.Ran noSecret = tree.run("sagent check-config /etc/sagent/sagent.yaml");
            assertTrue(noSecret.status() != 0 && noSecret.output().contains("cluster.secret-file: /etc/sagent/secret "
                    + "does not exist; create it on one node"), noSecret.output());
            useASecret(tree);
            DebianChroot.Ran check = tree.run("sagent check-config /etc/sagent/sagent.yaml");
            assertEquals(0, check.status(), check.output());
            assertTrue(check.output().contains("/etc/sagent/sagent.yaml: valid: cluster scluster, 2 nodes, 2 public "
                    + "addresses"), check.output());
            assertTrue(check.output().contains("warning: this is still the example the package installed"),
                    check.output());
            tree.run("test -L /etc/systemd/system/multi-user.target.wants/sagent.service")
                    .orFail("sagent.service enabled at boot by postinst");
            tree.run("test -x /usr/share/bash-completion/completions/sagent || grep -q _picocli_sagent "
                    + "/usr/share/bash-completion/completions/sagent").orFail("bash completion");
            tree.run("man -w sagent >/dev/null 2>&1 || test -f /usr/share/man/man8/sagent.8.gz").orFail("man page");

            // systemd-analyze on the installed unit and drop-ins, over stand-ins for the vendor units.
            tree.run("for u in drbd o2cb ocfs2 ctdb smbd; do printf '[Unit]\\nDescription=stand-in for %s\\n"
                    + "[Service]\\nType=oneshot\\nExecStart=/bin/true\\n' $u > /etc/systemd/system/$u.service; done")
                    .orFail("stand-in vendor units");
            DebianChroot.Ran verify = tree.run("systemd-analyze verify --man=no sagent.service o2cb.service "
                    + "ctdb.service 2>&1");
            System.out.println("systemd-analyze verify:\n" + verify.output());
            assertEquals(0, verify.status(), verify.output());
            assertFalse(verify.output().contains("sagent"), "no complaint about sagent's files: " + verify.output());
            DebianChroot.Ran dropIns = tree.run("systemd-analyze cat-config systemd/system/o2cb.service.d/50-sagent.conf"
                    + " 2>&1; systemd-delta --type=extended 2>&1 | grep -E 'o2cb|ctdb'");
            assertTrue(dropIns.output().contains("/lib/systemd/system/o2cb.service.d/50-sagent.conf"), dropIns.output());
            assertTrue(dropIns.output().contains("/lib/systemd/system/ctdb.service.d/50-sagent.conf"), dropIns.output());
            // A host without drbd-utils: the drop-in must not keep o2cb from starting (Requires= did).
            DebianChroot.Ran noDrbd = tree.run("rm /etc/systemd/system/drbd.service && systemd-analyze verify --man=no "
                    + "o2cb.service 2>&1; echo exit=$?");
            assertTrue(noDrbd.output().contains("exit=0") && !noDrbd.output().contains("drbd.service"),
                    "o2cb verifies without a drbd.service: " + noDrbd.output());
            DebianChroot.Ran security = tree.run("systemd-analyze security --offline=true --no-pager "
                    + "/lib/systemd/system/sagent.service 2>&1");
            System.out.println("systemd-analyze security sagent.service:\n" + security.output());
            assertTrue(security.output().contains("Overall exposure level for sagent.service"), security.output());

            // remove keeps the edited configuration; reinstalling uses it.
            tree.run("echo '# edited by the administrator' >> /etc/sagent/sagent.yaml").orFail("edit");
            tree.run("apt-get remove -y -q sagent").orFail("apt-get remove");
            tree.run("test ! -e /usr/bin/sagent && grep -q 'edited by the administrator' /etc/sagent/sagent.yaml")
                    .orFail("remove keeps the edited /etc/sagent/sagent.yaml");
            tree.run("apt-get install -y -q /tmp/new.deb").orFail("reinstall");
            tree.run("grep -q 'edited by the administrator' /etc/sagent/sagent.yaml").orFail("reinstall keeps it");

            // purge deletes the configuration, the secret and the state, but keeps the fence records
            // of a node that stood down, or that won: reinstalled, it must not serve a stale disk.
            tree.run("mkdir -p /var/lib/sagent/checks && touch /var/lib/sagent/disabled /var/lib/sagent/fenced.new "
                    + "/var/lib/sagent/.other /var/lib/sagent/checks/last && echo '" + FENCE_RECORD
                    + "' > /var/lib/sagent/fenced && echo '" + FENCE_RECORD + "' > /var/lib/sagent/peer-fenced")
                    .orFail("state");
            useASecret(tree);
            DebianChroot.Ran purge = tree.run("apt-get purge -y -q sagent").orFail("apt-get purge");
            assertTrue(purge.output().contains("sagent: deleted /etc/sagent: the configuration and secret\n"),
                    purge.output());
            assertTrue(purge.output().contains("sagent: /etc/sagent/secret was the cluster secret; the other node "
                    + "still has it and the configuration: copy both from there to rejoin"), purge.output());
            assertTrue(purge.output().contains("sagent: kept /var/lib/sagent/fenced: this node stood down after losing "
                    + "an arbitration, so its DRBD disk may be stale; installed again, the agent serves nothing until "
                    + "DRBD has resynced it, then removes the record. Delete it by hand only if this node leaves the "
                    + "cluster"), purge.output());
            assertTrue(purge.output().contains("sagent: kept /var/lib/sagent/peer-fenced: the other node stood down "
                    + "for this one; DRBD's unfence-peer handler removes it once that node is resynced"),
                    purge.output());
            tree.run("test ! -e /etc/sagent && test ! -e /usr/share/sagent")
                    .orFail("purge removes /etc/sagent and the files");
            assertEquals("fenced\npeer-fenced\n", tree.run("ls -A /var/lib/sagent").orFail("ls").output(),
                    "purge keeps the fence records and nothing else of /var/lib/sagent");
            assertEquals(FENCE_RECORD + "\n", tree.run("cat /var/lib/sagent/fenced").orFail("cat").output());
            tree.run("rm /var/lib/sagent/peer-fenced").orFail("the winner's record, for the upgrade below");

            // upgrade from the previous build keeps an edited configuration and the boot enablement.
            tree.run("apt-get install -y -q /tmp/previous.deb").orFail("install the previous build");
            tree.run("echo '# edited before the upgrade' >> /etc/sagent/sagent.yaml").orFail("edit");
            tree.run("apt-get install -y -q /tmp/new.deb").orFail("upgrade");
            assertEquals(version, tree.run("dpkg-query -W -f '${Version}' sagent").orFail("dpkg-query").output());
            tree.run("grep -q 'edited before the upgrade' /etc/sagent/sagent.yaml")
                    .orFail("the upgrade keeps the edited configuration");
            tree.run("test -L /etc/systemd/system/multi-user.target.wants/sagent.service")
                    .orFail("still enabled after the upgrade");
        }
    }

    @Test
    void anUpgradeRestartsTheAgentOnlyWhenTheNewVersionAcceptsTheConfiguration(@TempDir Path dir) throws Exception {
        NetnsLab.requireRoot();
        Path previous = repack(dir, "0.0.9");
        try (DebianChroot tree = DebianChroot.create(CACHE)) {
            Files.copy(deb, tree.tmp("new.deb"));
            Files.copy(previous, tree.tmp("previous.deb"));
            tree.run("apt-get install -y -q /tmp/previous.deb").orFail("install the previous build");
            // A described cluster: the example without its sagent-example line, with its secret.
            tree.run("sed -i '1d' /etc/sagent/sagent.yaml").orFail("edit");
            useASecret(tree);
            tree.run("sagent check-config /etc/sagent/sagent.yaml").orFail("the configuration is valid");
            pretendSystemdRunsTheAgent(tree);

            // The new version refuses the file: the running agent is left alone, and the
            // administrator is told why and what to do.
            tree.run("echo 'bogus-key: 1' >> /etc/sagent/sagent.yaml").orFail("break the file");
            int bogusLine = Integer.parseInt(tree.run("grep -n '^bogus-key:' /etc/sagent/sagent.yaml | cut -d: -f1")
                    .orFail("grep").output().strip());
            DebianChroot.Ran refused = tree.run("apt-get install -y -q /tmp/new.deb").orFail("upgrade");
            System.out.println("upgrade with a refused configuration:\n" + refused.output());
            assertTrue(refused.output().contains("sagent: not restarting the running agent: this version refuses "
                    + "/etc/sagent/sagent.yaml:\n    /etc/sagent/sagent.yaml:" + bogusLine + ":1: error: unknown key "
                    + "'bogus-key' at the top level"), refused.output());
            assertTrue(refused.output().contains("sagent: the agent of version 0.0.9 keeps running and keeps its "
                    + "addresses"), refused.output());
            assertTrue(refused.output().contains("    touch /run/sagent/keep-addresses && systemctl restart sagent\n"),
                    refused.output());
            String calls = tree.run("cat /tmp/systemctl.calls").orFail("systemctl calls").output();
            assertTrue(calls.contains("--quiet is-active sagent.service"), "the upgrade path was taken: " + calls);
            assertFalse(calls.contains("restart"), "no restart: " + calls);
            tree.run("test ! -e /run/sagent/keep-addresses").orFail("no keep-addresses marker left behind");
            assertEquals(version, tree.run("dpkg-query -W -f '${Version}' sagent").orFail("dpkg-query").output());
            tree.run("dpkg-query -W -f '${Status}' sagent | grep -qx 'install ok installed'")
                    .orFail("the package is configured all the same");

            // Fixed, the same upgrade restarts the agent through the address-keeping path.
            tree.run("sed -i '/^bogus-key:/d' /etc/sagent/sagent.yaml && : > /tmp/systemctl.calls").orFail("fix");
            DebianChroot.Ran accepted = tree.run("apt-get install -y -q --reinstall /tmp/new.deb")
                    .orFail("upgrade again");
            assertFalse(accepted.output().contains("not restarting"), accepted.output());
            calls = tree.run("cat /tmp/systemctl.calls").orFail("systemctl calls").output();
            assertTrue(calls.lines().anyMatch(l -> l.matches(".*restart sagent\\.service \\[keep-addresses\\]")),
                    "restarted with the addresses kept: " + calls);
            tree.run("test ! -e /run/sagent/keep-addresses").orFail("the marker is removed after the restart");

            // Without a fence record, purge leaves no state directory at all; a secret kept outside
            // /etc/sagent is left, and purge says so.
            tree.run("mv /etc/sagent/secret /root/sagent-secret").orFail("a secret kept elsewhere");
            DebianChroot.Ran purge = tree.run("apt-get purge -y -q sagent").orFail("apt-get purge");
            assertFalse(purge.output().contains("sagent: kept"), purge.output());
            assertTrue(purge.output().contains("sagent: deleted /etc/sagent: the configuration\n"), purge.output());
            assertTrue(purge.output().contains("sagent: no cluster secret was at /etc/sagent/secret; a secret file "
                    + "kept elsewhere (cluster.secret-file) is left in place: delete it if this node leaves the "
                    + "cluster"), purge.output());
            tree.run("test -f /root/sagent-secret").orFail("the secret kept elsewhere is left");
            tree.run("test ! -e /var/lib/sagent && test ! -e /etc/sagent").orFail("purge removes all of it");
        }
    }

    /** A fence record as the agent writes it (FenceRecord). */
    private static final String FENCE_RECORD =
            "{\"at\":\"2026-11-25T10:00:00Z\",\"peer\":\"s1\",\"reason\":\"lost the arbitration\",\"resource\":\"r0\"}";

    /** The cluster secret where the README says, named by the configuration. */
    private static void useASecret(DebianChroot tree) throws Exception {
        tree.run("head -c 32 /dev/urandom | base64 > /etc/sagent/secret && chmod 600 /etc/sagent/secret")
                .orFail("the administrator creates the secret the example names");
    }

    /**
     * systemd as the maintainer scripts see it on a server, with sagent active. A chroot runs no
     * systemd: systemctl is a stand-in that answers "active" and "enabled" and records every
     * call (noting whether the keep-addresses marker exists at that moment); deb-systemd-invoke,
     * dpkg and sagent are the real ones.
     */
    private static void pretendSystemdRunsTheAgent(DebianChroot tree) throws Exception {
        Files.writeString(tree.tmp("systemctl"), """
                #!/bin/sh
                marker=""
                [ -e /run/sagent/keep-addresses ] && marker=" [keep-addresses]"
                echo "$*$marker" >> /tmp/systemctl.calls
                case " $* " in
                    *" is-enabled "*) echo enabled ;;
                esac
                exit 0
                """);
        tree.run("install -m 755 /tmp/systemctl /usr/bin/systemctl && rm -f /usr/sbin/policy-rc.d "
                + "&& mkdir -p /run/systemd/system /run/sagent && : > /tmp/systemctl.calls").orFail("stand-in systemd");
    }

    /** This package with another version, as dpkg-deb builds it. */
    private static Path repack(Path dir, String otherVersion) throws Exception {
        Path tree = dir.resolve("repack");
        DebianChroot.exec(Duration.ofSeconds(60), "dpkg-deb", "--raw-extract", deb.toString(), tree.toString())
                .orFail("dpkg-deb --raw-extract");
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$",
                "Version: " + otherVersion));
        Path out = dir.resolve("sagent_" + otherVersion + "_all.deb");
        DebianChroot.exec(Duration.ofSeconds(120), "dpkg-deb", "--root-owner-group", "--build", tree.toString(),
                out.toString()).orFail("dpkg-deb --build");
        return out;
    }
}
